using System.Diagnostics.CodeAnalysis;
using ServicePortal.Core.Identifiers;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Helpdesk.Tickets;

/// <summary>A ticket's number: <c>TK-</c> and nine characters, the scheme of the portal's application references.</summary>
internal static class TicketNumber
{
    public const string Prefix = "TK";

    public static string New() => ReadableReference.New(Prefix);

    /// <summary>The canonical number of what a person typed (<c>tk 7k2m 9qxr4</c> too), when it is one.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out string? number) => ReadableReference.TryParse(Prefix, text, out number);
}

/// <summary>What a ticket is about: a fixed list, so staff queues and SLA clocks can be set per category.</summary>
internal sealed record TicketCategory(string Code, string Sw, string En, string HintSw, string HintEn)
{
    public const string Application = "application";
    public const string Payment = "payment";
    public const string Account = "account";
    public const string Complaint = "complaint";
    public const string Other = "other";

    public static IReadOnlyList<TicketCategory> All { get; } =
    [
        new(Application, "Swali kuhusu ombi", "A question about an application",
            "Ombi ulilotuma kwenye lango: hali yake, linachelewa, au unachotakiwa kufanya.",
            "An application you sent on the portal: where it stands, a delay, or what you need to do."),
        new(Payment, "Malipo", "Payment",
            "Namba ya malipo, ulilipa lakini haionekani, au kiasi.", "A control number, a payment that does not show, or the amount."),
        new(Account, "Akaunti na kuingia", "Account and signing in",
            "Huwezi kuingia, namba ya uthibitisho, nenosiri au namba ya simu.", "You cannot sign in, a security code, your password or phone number."),
        new(Complaint, "Malalamiko kuhusu huduma", "A complaint about a service",
            "Huduma ya taasisi au ya lango haikukuridhisha.", "A service of an agency or of the portal was not good enough."),
        new(Other, "Mengineyo", "Something else", "Swali lolote jingine.", "Any other question."),
    ];

    public string Name => T(Sw, En);

    public string Hint => T(HintSw, HintEn);

    public static bool IsKnown(string? code) => All.Any(c => c.Code == code);

    /// <summary>The category's name in the current language (an unknown code as it is, rather than hidden).</summary>
    public static string Describe(string code) => All.FirstOrDefault(c => c.Code == code)?.Name ?? code;
}

/// <summary>Where a ticket stands; the words a citizen reads for each.</summary>
internal static class TicketStatus
{
    public const string Open = "open";
    public const string WaitingForCitizen = "waiting_for_citizen";
    public const string Escalated = "escalated";
    public const string Resolved = "resolved";
    public const string Closed = "closed";

    public static IReadOnlyList<string> All { get; } = [Open, WaitingForCitizen, Escalated, Resolved, Closed];

    public static string Describe(string status) => status switch
    {
        Open => T("Inashughulikiwa na dawati la msaada", "With the helpdesk"),
        WaitingForCitizen => T("Inasubiri jibu lako", "Waiting for your reply"),
        Escalated => T("Imepelekwa kwa taasisi", "Passed to the agency"),
        Resolved => T("Imetatuliwa", "Resolved"),
        Closed => T("Imefungwa", "Closed"),
        _ => status,
    };

    /// <summary>The tag colour the Requests pages use for the same idea (progress, action, done, closed).</summary>
    public static string Tone(string status) => status switch
    {
        WaitingForCitizen => "action",
        Resolved => "done",
        Closed => "closed",
        _ => "progress",
    };
}

/// <summary>How urgent a ticket is; staff set it (citizens' tickets start normal).</summary>
internal static class TicketPriority
{
    public const string Low = "low";
    public const string Normal = "normal";
    public const string High = "high";
    public const string Urgent = "urgent";

    public static IReadOnlyList<string> All { get; } = [Low, Normal, High, Urgent];
}

/// <summary>The text of a ticket or a reply: one kind of line break (a browser sends CRLF), no blank edges, 1 to 2,000 characters.</summary>
internal static class TicketText
{
    public const int MaxLength = 2000;

    public static string Normalise(string? text) =>
        (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Trim();

    public static bool IsValid(string text) => text.Length is > 0 and <= MaxLength;
}

/// <summary>A moment in East Africa Time, 24-hour clock first as the other citizen pages write it: «14:05, 8 Desemba 2026».</summary>
internal static class TicketTime
{
    private static readonly TimeSpan EastAfricaTime = TimeSpan.FromHours(3);

    public static string When(DateTime utc)
    {
        var moment = new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToOffset(EastAfricaTime);
        return moment.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) + ", " +
               moment.ToString("d MMMM yyyy", System.Globalization.CultureInfo.CurrentCulture);
    }
}
