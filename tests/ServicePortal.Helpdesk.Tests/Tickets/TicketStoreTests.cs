using Microsoft.Extensions.DependencyInjection;
using ServicePortal.Core.Messaging;
using ServicePortal.Helpdesk.Tickets;

namespace ServicePortal.Helpdesk.Tests.Tickets;

/// <summary>The ticket store's staff side (the staff pages come next): a public reply notifies the citizen through the outbox.</summary>
public sealed class TicketStoreTests(HelpdeskPortalFactory portal) : IClassFixture<HelpdeskPortalFactory>
{
    private TicketStore Store => portal.Services.GetRequiredService<TicketStore>();

    [Theory]
    [InlineData("sw", "dawati la msaada limejibu tiketi yako")]
    [InlineData("en", "the helpdesk has answered your ticket")]
    public async Task A_staff_reply_enqueues_the_citizens_SMS_in_their_language_with_the_reply(string language, string words)
    {
        var (ticket, phone) = await TicketAsync(language);
        var staff = Guid.NewGuid();

        var outcome = await Store.AddStaffReplyAsync(ticket.Number, staff, "Tumepokea malipo yako; risiti iko njiani.", CancellationToken.None);

        var added = Assert.IsType<TicketReply.Added>(outcome);
        Assert.Equal(TicketStatus.WaitingForCitizen, added.Ticket.Status);
        var sms = Assert.Single(await portal.QueryAsync<(string Body, string Purpose, DateTime CreatedAt)>(
            "SELECT body, purpose, created_at FROM portal.outbox_messages WHERE recipient = @phone AND purpose = @purpose",
            new { phone, purpose = TicketNotices.ReplyPurpose }));
        Assert.Contains(words, sms.Body, StringComparison.Ordinal);
        Assert.Contains(ticket.Number, sms.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("risiti", sms.Body, StringComparison.Ordinal); // the reply itself stays behind the sign-in
        // One transaction: the reply and its notice were written at the same instant (now() is the transaction's start).
        Assert.Equal(sms.CreatedAt, await portal.ScalarAsync<DateTime>(
            "SELECT created_at FROM helpdesk.ticket_messages WHERE author_account_id = @staff", new { staff }));
    }

    [Fact]
    public async Task A_reply_to_a_closed_ticket_writes_nothing_and_sends_nothing_and_an_internal_note_sends_nothing()
    {
        var (ticket, phone) = await TicketAsync("sw");
        var staff = Guid.NewGuid();

        var note = await Store.AddInternalNoteAsync(ticket.Number, staff, "Kwa watumishi tu.", CancellationToken.None);
        await portal.ExecuteAsync("UPDATE helpdesk.tickets SET status = 'closed' WHERE id = @Id", ticket);
        var closed = await Store.AddStaffReplyAsync(ticket.Number, staff, "Jibu kwa tiketi iliyofungwa.", CancellationToken.None);
        var missing = await Store.AddStaffReplyAsync("TK-0000000000", staff, "Hakuna tiketi hii.", CancellationToken.None);

        Assert.IsType<TicketReply.Added>(note);
        Assert.IsType<TicketReply.Closed>(closed);
        Assert.IsType<TicketReply.NotFound>(missing);
        Assert.Equal(0, await portal.CountAsync(
            "SELECT count(*) FROM portal.outbox_messages WHERE recipient = @phone AND purpose = @purpose",
            new { phone, purpose = TicketNotices.ReplyPurpose }));
        Assert.Equal([true], await portal.QueryAsync<bool>("SELECT internal FROM helpdesk.ticket_messages WHERE author_account_id = @staff", new { staff }));
    }

    [Fact]
    public async Task The_store_refuses_text_that_was_not_validated()
    {
        var (ticket, _) = await TicketAsync("sw");

        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddStaffReplyAsync(ticket.Number, Guid.NewGuid(), new string('a', 2001), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddInternalNoteAsync(ticket.Number, Guid.NewGuid(), "  ", CancellationToken.None));
    }

    private async Task<(Ticket Ticket, string Phone)> TicketAsync(string language)
    {
        var (nin, phone) = await portal.CreateAccountAsync(language: language);
        var accountId = await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
        var opening = await Store.OpenAsync(new NewTicket(accountId, TicketCategory.Payment, "Nimelipa lakini haionekani.", null, language,
            "test:" + Guid.NewGuid().ToString("N")), CancellationToken.None);
        return (Assert.IsType<TicketOpening.Opened>(opening).Ticket, phone);
    }
}
