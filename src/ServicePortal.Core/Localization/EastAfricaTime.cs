using System.Globalization;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Core.Localization;

/// <summary>
/// Dates and times as people in Tanzania read them, in one place for every module: East Africa Time
/// (Africa/Dar_es_Salaam) is UTC+3 all year with no daylight saving, so a fixed offset is exact and needs no
/// time-zone database on the server; month names in the current language.
/// </summary>
public static class EastAfricaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(3);

    private static readonly string[] MonthsSw =
        ["Januari", "Februari", "Machi", "Aprili", "Mei", "Juni", "Julai", "Agosti", "Septemba", "Oktoba", "Novemba", "Desemba"];

    private static readonly string[] MonthsEn =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    /// <summary>Today in Tanzania.</summary>
    public static DateOnly Today(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(Offset).DateTime);
    }

    /// <summary>A date as people read it, in the current language: «5 Januari 2027», “5 January 2027”.</summary>
    public static string Date(DateOnly date) =>
        string.Create(CultureInfo.InvariantCulture, $"{date.Day} {(IsEnglish ? MonthsEn : MonthsSw)[date.Month - 1]} {date.Year}");

    /// <summary>A moment's date in East Africa Time, as <see cref="Date(DateOnly)"/> writes it.</summary>
    public static string Date(DateTimeOffset moment) => Date(DateOnly.FromDateTime(moment.ToOffset(Offset).DateTime));

    /// <summary>A moment as staff read it: "5 Januari 2027, 14:05 EAT" / "5 January 2027, 14:05 EAT".</summary>
    public static string When(DateTimeOffset at)
    {
        var local = at.ToOffset(Offset);
        return string.Create(CultureInfo.InvariantCulture, $"{Date(at)}, {local:HH:mm} EAT");
    }

    /// <summary>A UTC time from the database (Npgsql reads timestamptz as a UTC DateTime).</summary>
    public static string When(DateTime utc) => When(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)));

    /// <summary>The machine-readable value of a <c>time</c> element, in EAT.</summary>
    public static string Iso(DateTimeOffset at) => at.ToOffset(Offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static string Iso(DateTime utc) => Iso(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)));
}
