using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Requests.Applications;

/// <summary>
/// The portal's canonical statuses, the moves allowed between them, and how agencies' own words map onto them.
/// <code>
/// queued ──► submitted ──► in_review ◄──► action_required
///    │           │            │  ▲
///    │           │            ▼  │
///    │           │      awaiting_payment
///    │           ▼            │
///    └──► cancelled ◄─────────┤ (from any open status)
///                             ▼
///                  approved ──► completed
///                  rejected (final)
/// </code>
/// Any open status may jump forward (an agency that reports rarely may go from submitted straight to
/// completed); nothing leaves a final status (rejected, completed, cancelled).
/// </summary>
internal static class RequestStatus
{
    public const string Queued = "queued";
    public const string Submitted = "submitted";
    public const string InReview = "in_review";
    public const string ActionRequired = "action_required";
    public const string AwaitingPayment = "awaiting_payment";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";

    public static IReadOnlyList<string> All { get; } =
        [Queued, Submitted, InReview, ActionRequired, AwaitingPayment, Approved, Rejected, Completed, Cancelled];

    public static bool IsFinal(string status) => status is Rejected or Completed or Cancelled;

    /// <summary>At the agency and not finished: what the status sync asks about.</summary>
    public static bool IsOpen(string status) => status is Submitted or InReview or ActionRequired or AwaitingPayment or Approved;

    /// <summary>The transition table. Staying in place is not a move (a repeated update changes nothing).</summary>
    public static bool CanMove(string from, string to)
    {
        if (from == to || IsFinal(from))
        {
            return false;
        }

        return (from, to) switch
        {
            (Queued, Submitted or Cancelled) => true,
            (Queued, _) => false, // the agency cannot report on what it has not received
            (_, Queued) => false,
            (_, Submitted) => false,
            (Approved, InReview or ActionRequired or AwaitingPayment) => false, // approval is not taken back, only completed
            _ => true,
        };
    }

    /// <summary>The citizen must do something before the application can go on: these stand out on their pages.</summary>
    public static bool NeedsCitizen(string status) => status is ActionRequired or AwaitingPayment;

    /// <summary>
    /// The colour family of a status tag (<c>tag-{tone}</c> in the stylesheet), as the GOV.UK Design System's tags:
    /// never the only sign, the tag always says the status in words.
    /// </summary>
    public static string Tone(string status) => status switch
    {
        ActionRequired or AwaitingPayment => "action",
        Approved or Completed => "done",
        Rejected => "refused",
        Cancelled => "closed",
        _ => "progress",
    };

    /// <summary>The agency vocabulary of the contract (docs/agency-integration.md) → canonical; null if unknown.</summary>
    public static string? FromAgency(string? agencyStatus) => agencyStatus?.Trim().ToLowerInvariant() switch
    {
        "received" or "submitted" => Submitted,
        "under_review" or "in_review" or "processing" => InReview,
        "needs_correction" or "action_required" => ActionRequired,
        "payment_pending" or "awaiting_payment" => AwaitingPayment,
        "approved" => Approved,
        "rejected" or "refused" => Rejected,
        "issued" or "completed" or "collected" => Completed,
        "withdrawn" or "cancelled" => Cancelled,
        _ => null,
    };

    /// <summary>What the citizen reads, in their language.</summary>
    public static string Describe(string status) => status switch
    {
        Queued => T("Imepokelewa na lango, inasubiri kutumwa", "Received by the portal, waiting to be sent"),
        Submitted => T("Imetumwa kwa taasisi", "Sent to the agency"),
        InReview => T("Inashughulikiwa", "Being processed"),
        ActionRequired => T("Unahitajika kuchukua hatua", "Action needed from you"),
        AwaitingPayment => T("Inasubiri malipo", "Waiting for payment"),
        Approved => T("Imeidhinishwa", "Approved"),
        Rejected => T("Imekataliwa", "Rejected"),
        Completed => T("Imekamilika", "Completed"),
        Cancelled => T("Imesitishwa", "Cancelled"),
        _ => status,
    };
}
