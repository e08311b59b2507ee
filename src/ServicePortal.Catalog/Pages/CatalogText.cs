using ServicePortal.Core.Localization;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using ServicePortal.Catalog.Browse;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Catalog.Pages;

/// <summary>How the catalogue's numbers and codes read on a page, in the current language.</summary>
internal static class CatalogText
{
    /// <summary>Search results live under Kiswahili addresses, as a citizen would say them: /huduma, /taasisi.</summary>
    public const string ServicesPath = "/huduma";
    public const string AgenciesPath = "/taasisi";

    public static string ServiceHref(string code) => $"{ServicesPath}/{Uri.EscapeDataString(code)}";
    public static string AgencyHref(string code) => $"{AgenciesPath}/{Uri.EscapeDataString(code)}";

    public static string SearchHref(string? q = null, string? category = null, string? lifeEvent = null, string? agency = null, int page = 1,
        string? pageSize = null)
    {
        var query = new QueryBuilder();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Add(key, value);
            }
        }

        Add("q", q);
        Add("category", category);
        Add("lifeEvent", lifeEvent);
        Add("agency", agency);
        Add("page", page > 1 ? page.ToString(CultureInfo.InvariantCulture) : null);
        Add("pageSize", pageSize);
        return ServicesPath + query.ToQueryString();
    }

    public static string Cost(ServiceCost cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        if (cost.AmountTzs is null)
        {
            return T("Inategemea huduma unayopata", "Depends on the case");
        }

        if (cost.AmountTzs == 0)
        {
            return T("Bure", "Free");
        }

        return "TZS " + cost.AmountTzs.Value.ToString("N0", CultureInfo.InvariantCulture);
    }

    public static string WhenPaid(string paid) => paid switch
    {
        "on_application" => T("Hulipwa unapoomba", "Paid when you apply"),
        "on_issue" => T("Hulipwa unapopewa huduma", "Paid when the service is delivered"),
        "periodic" => T("Hulipwa kila kipindi (kwa mfano kila mwaka)", "Paid for each period (for example yearly)"),
        _ => "",
    };

    public static string Time(ProcessingTime time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return time.Days switch
        {
            null => T("Muda unatofautiana", "It varies"),
            0 => T("Siku hiyo hiyo", "The same day"),
            1 => T("Siku 1", "1 day"),
            var days => T($"Hadi siku {days}", $"Up to {days} days"),
        };
    }

    public static string Channel(string channel) => Browse.Channel.Describe(channel).Current;

    /// <summary>East Africa Time, as <see cref="EastAfricaTime"/> (Core) keeps it for every module.</summary>
    public static readonly TimeSpan EastAfricaOffset = EastAfricaTime.Offset;

    /// <summary>A moment as staff read it: "5 Januari 2027, 14:05 EAT".</summary>
    public static string When(DateTimeOffset at) => EastAfricaTime.When(at);

    public static string When(DateTime utc) => EastAfricaTime.When(utc);

    public static string Iso(DateTimeOffset at) => EastAfricaTime.Iso(at);

    public static string Iso(DateTime utc) => EastAfricaTime.Iso(utc);

    /// <summary>
    /// A count with its noun in the right number: <c>Plural(1, ("huduma", "huduma"), ("service", "services"))</c>.
    /// Kiswahili puts the number after the noun and many nouns change class in the plural (kituo / vituo), so each
    /// language gives both of its forms.
    /// </summary>
    public static string Plural(long count, (string One, string Many) sw, (string One, string Many) en) => T(
        $"{(count == 1 ? sw.One : sw.Many)} {count.ToString("N0", CultureInfo.InvariantCulture)}",
        $"{count.ToString("N0", CultureInfo.InvariantCulture)} {(count == 1 ? en.One : en.Many)}");

    /// <summary>"Huduma 12"; with <paramref name="atLeast"/> (a search's total at its cap) "Huduma 100 au zaidi".</summary>
    public static string Count(int total, bool atLeast = false) => atLeast
        ? T($"Huduma {total:N0} au zaidi", $"{total:N0} or more services")
        : total == 1
            ? T("Huduma 1", "1 service")
            : T($"Huduma {total:N0}", $"{total:N0} services");
}
