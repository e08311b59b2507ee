using ServicePortal.Core.Identifiers;
using ServicePortal.Helpdesk.Tickets;

namespace ServicePortal.Helpdesk.Tests.Tickets;

public sealed class TicketNumberTests
{
    [Fact]
    public void A_ticket_number_is_the_portal_reference_scheme_with_its_own_prefix()
    {
        var number = TicketNumber.New();

        Assert.Matches("^TK-[0-9A-HJKMNP-TV-Z]{9}$", number);
        Assert.True(TicketNumber.TryParse(number.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal).Replace('0', 'o'), out var read));
        Assert.Equal(number, read);
        Assert.True(TicketNumber.TryParse(number[3..], out _)); // without the prefix
        Assert.False(TicketNumber.TryParse("SP-" + number[3..], out _)); // an application's prefix is not a ticket's
        Assert.False(ReadableReference.TryParse("SP", number, out _));
    }

    [Fact]
    public void A_wrong_character_is_caught()
    {
        var number = TicketNumber.New();
        var wrong = number[..5] + (number[5] == 'A' ? 'B' : 'A') + number[6..];

        Assert.False(TicketNumber.TryParse(wrong, out _));
    }

    [Theory]
    [InlineData("TK")]
    [InlineData("SP")]
    public void A_bare_number_whose_first_characters_spell_the_prefix_is_read_whole(string prefix)
    {
        // About one number in a thousand starts so (the reader once took the prefix off it and refused what was left).
        var number = Enumerable.Range(0, 100_000).Select(_ => ReadableReference.New(prefix))
            .First(n => n.AsSpan(3).StartsWith(prefix, StringComparison.Ordinal));

        Assert.True(ReadableReference.TryParse(prefix, number[3..], out var read));
        Assert.Equal(number, read);
    }
}
