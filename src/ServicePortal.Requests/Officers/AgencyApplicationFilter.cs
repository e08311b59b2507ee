using System.Globalization;
using ServicePortal.Core.Localization;
using ServicePortal.Core.Staff;
using ServicePortal.Requests.Applications;

namespace ServicePortal.Requests.Officers;

/// <summary>
/// What an officer (or an agency's system, through the API) asks of their agency's applications: a status, a service,
/// a range of submission dates in Tanzania (inclusive, <c>yyyy-MM-dd</c>), words of a reference (the portal's or the
/// agency's), and only those past their promised days. Read from the address as typed; what cannot be used is said
/// (<see cref="Problems"/>) and left out rather than guessed.
/// </summary>
internal sealed record AgencyApplicationFilter(string? Status, string? Service, DateOnly? From, DateOnly? To, string? Query, bool LateOnly)
{
    public static AgencyApplicationFilter None { get; } = new(null, null, null, null, null, false);

    /// <summary>The filter and, per field, what was wrong with it, in Kiswahili and English.</summary>
    public static (AgencyApplicationFilter Filter, Dictionary<string, (string Sw, string En)> Problems) Read(
        string? status, string? service, string? from, string? to, string? q, string? late)
    {
        var problems = new Dictionary<string, (string Sw, string En)>(StringComparer.Ordinal);
        var statusValue = Trimmed(status);
        if (statusValue is not null && !RequestStatus.All.Contains(statusValue))
        {
            problems["status"] = ("Hali hiyo haijulikani.", "That status is not known.");
            statusValue = null;
        }

        var serviceValue = Trimmed(service);
        if (serviceValue is { Length: > 100 })
        {
            problems["service"] = ("Msimbo wa huduma ni mrefu mno.", "The service code is too long.");
            serviceValue = null;
        }

        var fromDate = Date(from, "from", problems);
        var toDate = Date(to, "to", problems);
        if (fromDate is { } f && toDate is { } t && f > t)
        {
            problems["to"] = ("Tarehe ya mwisho iko kabla ya tarehe ya mwanzo.", "The end date is before the start date.");
            toDate = null;
        }

        var lateOnly = Trimmed(late) is "1" or "true" or "on";
        return (new AgencyApplicationFilter(statusValue, serviceValue, fromDate, toDate, ListPage.Query(q), lateOnly), problems);
    }

    /// <summary>The start of <see cref="From"/> in Tanzania, as UTC.</summary>
    public DateTime? FromUtc => From is { } d ? Midnight(d) : null;

    /// <summary>The start of the day after <see cref="To"/> in Tanzania, as UTC (the range includes the whole day).</summary>
    public DateTime? ToUtcExclusive => To is { } d ? Midnight(d.AddDays(1)) : null;

    public bool IsEmpty => this == None;

    private static DateTime Midnight(DateOnly day) =>
        DateTime.SpecifyKind(day.ToDateTime(TimeOnly.MinValue) - EastAfricaTime.Offset, DateTimeKind.Utc);

    private static DateOnly? Date(string? text, string field, Dictionary<string, (string Sw, string En)> problems)
    {
        var value = Trimmed(text);
        if (value is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year >= 2000)
        {
            return date;
        }

        problems[field] = ("Andika tarehe kama 2026-12-31.", "Write the date as 2026-12-31.");
        return null;
    }

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
