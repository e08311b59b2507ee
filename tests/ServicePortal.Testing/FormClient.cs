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
}

public static class FormClientExtensions
{
    /// <summary>A client that keeps cookies and does not follow redirects (over HTTP once the portal listens on a port).</summary>
    public static FormClient CreateFormClient(this PortalFactory portal)
    {
        ArgumentNullException.ThrowIfNull(portal);
        if (portal.ServerAddress is { } address)
        {
            // On Kestrel the factory's own client would go to http://localhost and follow redirects.
            return new FormClient(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true })
            {
                BaseAddress = address,
            });
        }

        return new FormClient(portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = true,
        }));
    }
}
