using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Catalog.Forms;

/// <summary>
/// A date in an application form (<c>"format": "date"</c>), as the GOV.UK Design System asks for one and as the
/// registration page does: three boxes, day, month and year, not the browser's date picker (which speaks the phone's
/// language, differs on every phone and is hard to use for a date decades ago). Stored as RFC 3339 <c>yyyy-MM-dd</c>,
/// shown as people write it: «5 Januari 2027», “5 January 2027”.
/// </summary>
/// <remarks>
/// The boxes are posted as <c>answers.{path}.day</c>, <c>.month</c> and <c>.year</c> (a field name cannot hold a dot,
/// so these never meet another field's input). Boxes that make a real date become <c>yyyy-MM-dd</c>; anything else is
/// kept as typed, <c>year-month-day</c>, so the page can show it back and the checks refuse it with a message that says
/// what is missing. Such a text can never pass as a date: a real date typed in digits is always written canonically.
/// </remarks>
public static class DateAnswer
{
    public const string Day = "day";
    public const string Month = "month";
    public const string Year = "year";

    /// <summary>Tanzania keeps East Africa Time all year: UTC+3, no daylight saving (<see cref="Core.Localization.EastAfricaTime"/>).</summary>
    public static readonly TimeSpan EastAfricaTime = Core.Localization.EastAfricaTime.Offset;

    /// <summary>The name of one box's input: <c>answers.dateOfBirth.day</c>.</summary>
    public static string InputName(string path, string part) => FieldPath.InputName(path) + "." + part;

    /// <summary>The id of one box: <c>answers-dateOfBirth-day</c> (the error summary links to the day box).</summary>
    public static string InputId(string path, string part) => FieldPath.InputId(path) + "-" + part;

    /// <summary>Today in Tanzania, the day "not in the future" is measured against.</summary>
    public static DateOnly Today(TimeProvider clock) => Core.Localization.EastAfricaTime.Today(clock);

    /// <summary>A date as people read it, in the current language: «5 Januari 2027», “5 January 2027”.</summary>
    public static string Long(DateOnly date) => Core.Localization.EastAfricaTime.Date(date);

    /// <summary>A moment's date in East Africa Time, as <see cref="Long(DateOnly)"/> writes it.</summary>
    public static string Long(DateTimeOffset moment) => Core.Localization.EastAfricaTime.Date(moment);

    /// <summary>The date of an answer written <c>yyyy-MM-dd</c>; null for anything else.</summary>
    public static DateOnly? Parse(string? answer) =>
        answer is { Length: 10 } &&
        DateOnly.TryParseExact(answer, "yyyy'-'MM'-'dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;

    /// <summary>What the three boxes show for an answer: a date unpadded (5, 1, 2027), anything else as it was typed.</summary>
    public static (string Day, string Month, string Year) Boxes(string? answer)
    {
        if (Parse(answer) is { } date)
        {
            return (N(date.Day), N(date.Month), N(date.Year));
        }

        var parts = (answer ?? "").Split('-');
        return parts.Length == 3 ? (parts[2], parts[1], parts[0]) : ("", "", answer ?? "");
    }

    /// <summary>
    /// The boxes a kept answer leaves empty, in the order day, month, year; none for a date or for an answer that is not
    /// three boxes at all (the API's answers).
    /// </summary>
    public static IReadOnlyList<string> Missing(string? answer)
    {
        if (answer is null || Parse(answer) is not null)
        {
            return [];
        }

        var parts = answer.Split('-');
        if (parts.Length != 3 || parts.All(p => p.Length == 0))
        {
            return [];
        }

        var missing = new List<string>(3);
        if (parts[2].Length == 0)
        {
            missing.Add(Day);
        }

        if (parts[1].Length == 0)
        {
            missing.Add(Month);
        }

        if (parts[0].Length == 0)
        {
            missing.Add(Year);
        }

        return missing;
    }

    /// <summary>A kept answer of three boxes whose year is given but is not four digits (24 for 2024).</summary>
    public static bool HasBadYear(string? answer)
    {
        if (answer is null || Parse(answer) is not null)
        {
            return false;
        }

        var parts = answer.Split('-');
        return parts.Length == 3 && parts[0].Length > 0 && !(parts[0].Length == 4 && parts[0].All(char.IsAsciiDigit));
    }

    /// <summary>
    /// The answer of the three boxes: null when all are empty, <c>yyyy-MM-dd</c> when they make a real date, else the
    /// boxes as typed. A form posted by an older page (one input, <c>yyyy-MM-dd</c>) is read as it was.
    /// </summary>
    internal static JsonNode? Read(IFormCollection form, string path)
    {
        var day = Box(form, InputName(path, Day));
        var month = Box(form, InputName(path, Month));
        var year = Box(form, InputName(path, Year));
        if (day is null && month is null && year is null)
        {
            return AnswerReader.Convert(FieldType.String, form[FieldPath.InputName(path)]);
        }

        return JsonValue.Create(Compose(day ?? "", month ?? "", year ?? ""));
    }

    /// <summary>The boxes as one answer: canonical when they are a real date, else as typed (see the remarks).</summary>
    internal static string Compose(string day, string month, string year)
    {
        if (Number(day, 2) is { } d && Number(month, 2) is { } m && year.Length == 4 && Number(year, 4) is { } y &&
            y >= 1 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m))
        {
            return new DateOnly(y, m, d).ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture);
        }

        // A dash inside a box would move the boundaries between the boxes when the answer is read back.
        static string Kept(string box) => box.Replace('-', ' ');
        return Kept(year) + "-" + Kept(month) + "-" + Kept(day);
    }

    private static string? Box(IFormCollection form, string name)
    {
        var value = form[name].FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
        // As long as any box could meaningfully be: the page shows it back, the check refuses it.
        return value is null ? null : value.Length > 20 ? value[..20] : value;
    }

    private static int? Number(string text, int maxDigits) =>
        text.Length is > 0 && text.Length <= maxDigits && text.All(char.IsAsciiDigit)
            ? int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture)
            : null;

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
