using System.Net;
using System.Text.RegularExpressions;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// What a browser does that <see cref="FormClient"/> does not: follows a redirect after a POST, and posts a form
/// where its markup says (its <c>action</c>, or the address of the page it is on when it has none).
/// </summary>
internal static partial class AsABrowser
{
    /// <summary>Posts the form of the page at <paramref name="pageUrl"/> that has a button with this text.</summary>
    public static Task<(HttpResponseMessage Response, string Url)> PressAsync(this FormClient browser, string pageUrl, string button,
        IReadOnlyDictionary<string, string?>? fields = null) =>
        PostAsync(browser, pageUrl, form => form.Contains(button, StringComparison.Ordinal), fields ?? new Dictionary<string, string?>());

    /// <summary>Fills the field <paramref name="name"/> of the page at <paramref name="pageUrl"/> and posts its form.</summary>
    public static Task<(HttpResponseMessage Response, string Url)> FillAndPostAsync(this FormClient browser, string pageUrl, string name, string value) =>
        PostAsync(browser, pageUrl, form => form.Contains($"name=\"{name}\"", StringComparison.Ordinal),
            new Dictionary<string, string?> { [name] = value });

    /// <summary>Follows redirects (GET) from <paramref name="response"/>; returns where the browser ends up.</summary>
    public static async Task<string> FollowAsync(this FormClient browser, HttpResponseMessage response, string url)
    {
        ArgumentNullException.ThrowIfNull(browser);
        ArgumentNullException.ThrowIfNull(response);
        for (var hops = 0; response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther && hops < 5; hops++)
        {
            url = response.Headers.Location!.OriginalString;
            response = await browser.GetAsync(url);
        }

        return url;
    }

    private static async Task<(HttpResponseMessage, string)> PostAsync(FormClient browser, string pageUrl, Func<string, bool> which,
        IReadOnlyDictionary<string, string?> fields)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var form = Forms().Matches(browser.LastPage).FirstOrDefault(f => which(f.Value))
                   ?? throw new InvalidOperationException($"No such form on {pageUrl}: {browser.LastPage}");
        var action = Action().Match(form.Groups["open"].Value) is { Success: true } a ? WebUtility.HtmlDecode(a.Groups[1].Value) : pageUrl;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in Hidden().Matches(form.Groups["body"].Value))
        {
            values[WebUtility.HtmlDecode(input.Groups["name"].Value)] = WebUtility.HtmlDecode(input.Groups["value"].Value);
        }

        foreach (var (name, value) in fields)
        {
            values[name] = value ?? "";
        }

        var response = await browser.PostAsync(action, values);
        return (response, action);
    }

    [GeneratedRegex("<form\\b(?<open>[^>]*)>(?<body>.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex Forms();

    [GeneratedRegex("\\baction=\"([^\"]*)\"")]
    private static partial Regex Action();

    [GeneratedRegex("<input\\b(?=[^>]*type=\"hidden\")(?=[^>]*name=\"(?<name>[^\"]*)\")(?:(?=[^>]*value=\"(?<value>[^\"]*)\"))?[^>]*>")]
    private static partial Regex Hidden();
}
