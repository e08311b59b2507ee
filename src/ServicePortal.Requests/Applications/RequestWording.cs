using System.Globalization;
using ServicePortal.Catalog.Forms;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Requests.Applications;

/// <summary>
/// Words the Requests pages and notices share: counts with the right plural in both languages, times in East Africa
/// Time written as people read them, and the portal's own name (as the layout and the Identity module's messages
/// call it).
/// </summary>
internal static class RequestWording
{
    /// <summary>What the portal calls itself, in Kiswahili and in English (the layout's header, every SMS).</summary>
    public const string PortalNameSw = "Lango la Huduma za Serikali";

    public const string PortalNameEn = "Government Services Portal";

    /// <summary>«Ombi 1», «Maombi 12»; “1 application”, “12 applications” (Kiswahili: ji-ma class, number after the noun).</summary>
    public static string Applications(long count) => count == 1
        ? T("Ombi 1", "1 application")
        : T($"Maombi {N(count)}", $"{N(count)} applications");

    /// <summary>A date in East Africa Time: «7 Desemba 2026».</summary>
    public static string Date(DateTime utc) => DateAnswer.Long(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)));

    /// <summary>A moment in East Africa Time, 24-hour clock first as the Identity pages write it: «14:05, 7 Desemba 2026».</summary>
    public static string When(DateTime utc)
    {
        var moment = new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToOffset(DateAnswer.EastAfricaTime);
        return moment.ToString("HH:mm", CultureInfo.InvariantCulture) + ", " + DateAnswer.Long(moment);
    }

    private static string N(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);
}
