using ServicePortal.Core.Identity;
using ServicePortal.Core.Messaging;

namespace ServicePortal.Helpdesk.Tickets;

/// <summary>
/// What a citizen is told when the helpdesk answers their ticket: an SMS, and an e-mail when they gave an address, in
/// the account's language (a notice is sent long after any page was read). It says that an answer is waiting and where,
/// never the answer itself: whoever holds the phone can read an SMS, and the answer may be about the citizen's data.
/// </summary>
internal static class TicketNotices
{
    public const string ReplyPurpose = "helpdesk_reply";

    public static IReadOnlyList<OutgoingMessage> Reply(CitizenContact contact, string number)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var english = contact.Language == "en";
        var body = english
            ? $"Government Services Portal: the helpdesk has answered your ticket {number}. Sign in to the portal to read it (Help, My tickets)."
            : $"Lango la Huduma za Serikali: dawati la msaada limejibu tiketi yako {number}. Ingia kwenye lango kulisoma (Msaada, Tiketi zangu).";
        var sms = OutgoingMessage.ToPhone(contact.Phone, body, ReplyPurpose);
        if (contact.Email is not { Length: > 0 } email)
        {
            return [sms];
        }

        var subject = english ? $"Ticket {number}: the helpdesk has answered" : $"Tiketi {number}: dawati la msaada limejibu";
        return [sms, new OutgoingMessage(OutgoingMessage.Email, email, subject, body, ReplyPurpose)];
    }
}
