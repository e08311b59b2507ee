using System.Net;
using System.Text.RegularExpressions;

namespace ServicePortal.Testing;

/// <summary>
/// A browser without a browser: keeps cookies, reads the antiforgery token from the page it just fetched,
/// posts forms with it, and does not follow redirects (so a test sees where each step leads).
/// </summary>
public sealed partial class FormClient(HttpClient http) : IDisposable
{
    public HttpClient Http { get; } = http;

    public string LastPage { get; private set; } = "";

    public async Task<HttpResponseMessage> GetAsync(string url)
    {
        var response = await Http.GetAsync(url);
        LastPage = await response.Content.ReadAsStringAsync();
        return response;
    }

    /// <summary>Fetches the form page, then posts the fields with its antiforgery token.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string url, IReadOnlyDictionary<string, string?> fields, string? formPage = null)
    {
        await GetAsync(formPage ?? url);
        var token = AntiforgeryToken().Match(LastPage);
        var values = fields.Where(f => f.Value is not null).Select(f => KeyValuePair.Create(f.Key, f.Value!)).ToList();
        if (token.Success)
        {
            values.Add(KeyValuePair.Create("__af", WebUtility.HtmlDecode(token.Groups[1].Value)));
        }

        return await PostAsync(url, values);
    }

    /// <summary>Posts the fields with the antiforgery token of the page already loaded.</summary>
    public Task<HttpResponseMessage> SubmitLoadedFormAsync(string url, IReadOnlyDictionary<string, string?> fields)
    {
        var token = AntiforgeryToken().Match(LastPage);
        var values = fields.Where(f => f.Value is not null).Select(f => KeyValuePair.Create(f.Key, f.Value!)).ToList();
        if (token.Success)
        {
            values.Add(KeyValuePair.Create("__af", WebUtility.HtmlDecode(token.Groups[1].Value)));
        }

        return PostAsync(url, values);
    }

    /// <summary>
    /// Fetches <paramref name="formPage"/> and posts its form whose action is <paramref name="action"/> as a browser
    /// would: with that form's hidden fields (the antiforgery token, and whatever else the page carries, such as the
    /// version of what it shows), then <paramref name="fields"/> over them.
    /// </summary>
    public async Task<HttpResponseMessage> SubmitFormAsync(string formPage, string action, IReadOnlyDictionary<string, string?> fields)
    {
        await GetAsync(formPage);
        return await PostLoadedFormAsync(action, fields);
    }

    /// <summary>
    /// Posts the form whose action is <paramref name="action"/> of the page already loaded, or of
    /// <paramref name="page"/> (a page loaded earlier, then posted later), as <see cref="SubmitFormAsync"/> does.
    /// </summary>
    public Task<HttpResponseMessage> PostLoadedFormAsync(string action, IReadOnlyDictionary<string, string?> fields, string? page = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        page ??= LastPage;
        var form = Forms().Matches(page).FirstOrDefault(f => WebUtility.HtmlDecode(f.Groups["action"].Value) == action)
                   ?? throw new InvalidOperationException($"The page has no form posting to {action}: {page}");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in Inputs().Matches(form.Groups["body"].Value))
        {
            var attributes = Attributes().Matches(input.Value).ToDictionary(a => a.Groups[1].Value, a => WebUtility.HtmlDecode(a.Groups[2].Value),
                StringComparer.OrdinalIgnoreCase);
            if (attributes.GetValueOrDefault("type") == "hidden" && attributes.TryGetValue("name", out var name))
            {
                values[name] = attributes.GetValueOrDefault("value") ?? "";
            }
        }

        foreach (var (name, value) in fields)
        {
            if (value is null)
            {
                values.Remove(name);
            }
            else
            {
                values[name] = value;
            }
        }

        return PostAsync(action, values);
    }

    /// <summary>Posts exactly these fields (no token is added).</summary>
    public async Task<HttpResponseMessage> PostAsync(string url, IEnumerable<KeyValuePair<string, string>> values)
    {
        using var content = new FormUrlEncodedContent(values);
        var response = await Http.PostAsync(url, content);
        LastPage = await response.Content.ReadAsStringAsync();
        return response;
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("<form\\b[^>]*\\baction=\"(?<action>[^\"]*)\"[^>]*>(?<body>.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex Forms();

    [GeneratedRegex("<input\\b[^>]*>")]
    private static partial Regex Inputs();

    [GeneratedRegex("\\b([a-z-]+)=\"([^\"]*)\"")]
    private static partial Regex Attributes();
}

public static class FormClientExtensions
{
    /// <summary>A client that keeps cookies and does not follow redirects (over HTTPS: cookies are Secure outside Development).</summary>
    public static FormClient CreateFormClient(this PortalFactory portal)
    {
        ArgumentNullException.ThrowIfNull(portal);
        if (portal.ServerAddress is { } address)
        {
            // On Kestrel the factory's own client would go to http://localhost and follow redirects; the portal's cookies
            // are Secure, which a browser sends back to a loopback address over plain HTTP (LoopbackCookies does too).
            return new FormClient(LoopbackCookies.Client(address));
        }

        return new FormClient(portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost"),
            AllowAutoRedirect = false,
            HandleCookies = true,
        }));
    }
}
