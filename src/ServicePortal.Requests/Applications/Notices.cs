using Npgsql;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Messaging;

namespace ServicePortal.Requests.Applications;

/// <summary>
/// What a citizen is told when a request moves: an SMS, and an e-mail when they gave an address, in their
/// language, written into the outbox in the transaction of the move, so a notice exists exactly when the move
/// was committed, and the dispatcher (with a stable message id) never delivers it twice.
/// </summary>
internal static class Notices
{
    public const string Purpose = "request_status";

    public static async Task EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CitizenContact contact,
        string reference, string status, string? agencyMessage, string? controlNumber, CancellationToken cancellationToken) =>
        await Outbox.EnqueueManyAsync(connection, transaction, Compose(contact, reference, status, agencyMessage, controlNumber), cancellationToken);

    /// <summary>
    /// The notices of one move: the SMS, then the e-mail when the citizen gave an address. A batch of moves
    /// writes all its notices with one <see cref="Outbox.EnqueueManyAsync"/>.
    /// </summary>
    public static IReadOnlyList<OutgoingMessage> Compose(CitizenContact contact, string reference, string status, string? agencyMessage,
        string? controlNumber)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var english = contact.Language == "en";
        var statusText = Describe(status, english);
        // Signed with the portal's name in the citizen's language, as its other messages are: a citizen must know who
        // writes before reading on (and a code name such as "ServicePortal" is no name to them).
        var body = english
            ? $"{RequestWording.PortalNameEn}: your application {reference} is now: {statusText}."
            : $"{RequestWording.PortalNameSw}: hali ya ombi lako {reference} sasa ni: {statusText}.";
        if (!string.IsNullOrWhiteSpace(agencyMessage))
        {
            body += " " + (agencyMessage.Length > 240 ? agencyMessage[..240] + "…" : agencyMessage);
        }

        if (controlNumber is not null)
        {
            body += english ? $" Control number: {controlNumber}." : $" Namba ya malipo: {controlNumber}.";
        }

        var sms = OutgoingMessage.ToPhone(contact.Phone, body, Purpose);
        if (contact.Email is not { Length: > 0 } email)
        {
            return [sms];
        }

        var subject = english ? $"Application {reference}: {statusText}" : $"Ombi {reference}: {statusText}";
        return [sms, new OutgoingMessage(OutgoingMessage.Email, email, subject, body, Purpose)];
    }

    // The citizen's language, not the current request's: a notice is sent long after any request.
    private static string Describe(string status, bool english) => (status, english) switch
    {
        (RequestStatus.Submitted, false) => "imetumwa kwa taasisi",
        (RequestStatus.Submitted, true) => "sent to the agency",
        (RequestStatus.InReview, false) => "inashughulikiwa",
        (RequestStatus.InReview, true) => "being processed",
        (RequestStatus.ActionRequired, false) => "unahitajika kuchukua hatua",
        (RequestStatus.ActionRequired, true) => "action needed from you",
        (RequestStatus.AwaitingPayment, false) => "inasubiri malipo",
        (RequestStatus.AwaitingPayment, true) => "waiting for payment",
        (RequestStatus.Approved, false) => "imeidhinishwa",
        (RequestStatus.Approved, true) => "approved",
        (RequestStatus.Rejected, false) => "imekataliwa",
        (RequestStatus.Rejected, true) => "rejected",
        (RequestStatus.Completed, false) => "imekamilika",
        (RequestStatus.Completed, true) => "completed",
        (RequestStatus.Cancelled, false) => "imesitishwa",
        (RequestStatus.Cancelled, true) => "cancelled",
        _ => status,
    };
}
