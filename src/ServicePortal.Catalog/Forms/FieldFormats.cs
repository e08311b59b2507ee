using ServicePortal.Core.Identity;

namespace ServicePortal.Catalog.Forms;

/// <summary>
/// The values of <c>format</c> a form may name, each checked by the portal's own code in linear time with a message
/// in the person's language. Any other format is refused when the form is onboarded: JSON Schema lets an evaluator
/// pass an unknown format silently (the agency would believe it checked something), and some known ones run
/// regular expressions or parsers on the citizen's text (<c>regex</c> compiles the answer itself). For a rule none of
/// these covers, a form uses <c>pattern</c> (see <see cref="FormPatterns"/>).
/// </summary>
internal static class FieldFormats
{
    /// <summary>A named format: its check of a text answer, and the message when the answer fails it.</summary>
    internal sealed record Format(string Name, Func<string, bool> Accepts, Func<string> Message);

    private static readonly Format[] All =
    [
        new("date", AnswerRules.IsDate, FieldMessages.NotADate),
        new("email", AnswerRules.IsEmail, FieldMessages.NotAnEmail),
        new("nin", IsNin, FieldMessages.NotANin),
        new("phone-tz", s => PhoneNumber.TryNormalise(s, out _), FieldMessages.NotAPhone),
    ];

    private static readonly Dictionary<string, Format> ByName = All.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>The names, in the order they are documented.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(f => f.Name)];

    /// <summary>The format of that name, or null when the portal has none (or no name is given).</summary>
    public static Format? Find(string? name) => name is not null && ByName.TryGetValue(name, out var format) ? format : null;

    /// <summary>
    /// A national ID number as the portal accepts it at sign-in: 20 digits, with or without dashes and spaces, the first
    /// 8 a real date not after today in Tanzania (UTC+3).
    /// </summary>
    private static bool IsNin(string s) =>
        NationalIdNumber.TryParse(s, DateOnly.FromDateTime(DateTime.UtcNow.AddHours(3)), out _, out _);
}
