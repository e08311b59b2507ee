using System.Globalization;

namespace ServicePortal.Core.Localization;

/// <summary>
/// Every word a person reads is written in both official languages side by side, Kiswahili first:
/// <c>T("Karibu", "Welcome")</c>. Keeping the pair in one place means a text can never exist in one
/// language only; the current UI culture (set per request by the localization middleware) picks one.
/// </summary>
public static class Lang
{
    public const string Swahili = "sw";
    public const string English = "en";
    public const string Default = Swahili;

    /// <summary>The cookie that remembers a person's choice of language.</summary>
    public const string CookieName = "portal_lang";

    /// <summary>The query string key that switches language for one request and remembers it.</summary>
    public const string QueryKey = "lang";

    public static IReadOnlyList<string> Supported { get; } = [Swahili, English];

    public static bool IsSupported(string? code) =>
        code is not null && Supported.Contains(code, StringComparer.OrdinalIgnoreCase);

    /// <summary>The two-letter code of the language the current request is served in.</summary>
    public static string Current =>
        CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == English ? English : Swahili;

    public static bool IsEnglish => Current == English;

    /// <summary>Picks the Kiswahili or the English text for the current request.</summary>
    public static string T(string sw, string en) => IsEnglish ? en : sw;
}
