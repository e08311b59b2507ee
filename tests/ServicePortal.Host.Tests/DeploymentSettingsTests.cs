using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ServicePortal.Host.Tests;

/// <summary>
/// What a production host enforces whatever the request looks like: the host names it answers to, Secure cookies
/// even over plain HTTP (TLS usually ends at the load balancer), and a key ring kept encrypted at rest. The harness
/// runs the host as production does (see PortalFactory: AllowedHosts, Identity:Issuer and a test certificate).
/// </summary>
public sealed partial class DeploymentSettingsTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task A_request_for_a_host_name_the_portal_does_not_serve_is_refused()
    {
        using var client = portal.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "portal.attacker.example";

        var foreign = await client.SendAsync(request);
        var own = await client.GetAsync("/");
        // The platform reaches a pod by its address: the kubelet's probes still answer.
        using var probe = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        probe.Headers.Host = "10.42.0.17:8080";
        var live = await client.SendAsync(probe);

        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Outside_Development_every_cookie_is_Secure_even_over_plain_http()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        // Plain HTTP, as the portal sees requests behind a TLS-terminating load balancer; cookies carried by hand,
        // since a client only sends Secure cookies back over HTTPS.
        using var http = portal.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("http://localhost"),
            AllowAutoRedirect = false,
            HandleCookies = false,
        });
        var jar = new Dictionary<string, string>(StringComparer.Ordinal);
        var setCookies = new List<string>();

        async Task<string> SendAsync(HttpMethod method, string path, Dictionary<string, string>? form = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (jar.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", jar.Select(c => $"{c.Key}={c.Value}")));
            }

            if (form is not null)
            {
                request.Content = new FormUrlEncodedContent(form);
            }

            var response = await http.SendAsync(request);
            foreach (var cookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                setCookies.Add(cookie);
                var pair = cookie.Split(';')[0].Split('=', 2);
                jar[pair[0]] = pair[1];
            }

            return await response.Content.ReadAsStringAsync();
        }

        await SendAsync(HttpMethod.Get, "/?lang=en");
        var signIn = await SendAsync(HttpMethod.Get, "/account/sign-in");
        await SendAsync(HttpMethod.Post, "/account/sign-in", new()
        {
            ["Nin"] = nin, ["Password"] = "Mti-Mrefu-Wa-Mwembe", ["__af"] = WebUtility.HtmlDecode(Token().Match(signIn).Groups[1].Value),
        });
        var codePage = await SendAsync(HttpMethod.Get, "/account/sign-in/code");
        await SendAsync(HttpMethod.Post, "/account/sign-in/code", new()
        {
            ["Code"] = await portal.LatestCodeAsync(phone), ["__af"] = WebUtility.HtmlDecode(Token().Match(codePage).Groups[1].Value),
        });

        // The language, the antiforgery token, the sign-in in progress and the session itself, at least.
        Assert.Contains(setCookies, c => c.StartsWith("portal_lang=", StringComparison.Ordinal));
        Assert.Contains(setCookies, c => c.StartsWith("portal_af=", StringComparison.Ordinal));
        Assert.Contains(setCookies, c => c.StartsWith("portal_session=", StringComparison.Ordinal));
        Assert.All(setCookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_key_ring_is_kept_encrypted_with_the_certificate()
    {
        using var client = portal.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/sign-in")).StatusCode); // an antiforgery token needs a key

        var keys = await portal.CountAsync("SELECT count(*) FROM portal.data_protection_keys");
        var encrypted = await portal.CountAsync(
            "SELECT count(*) FROM portal.data_protection_keys WHERE xml LIKE '%<encryptedSecret%' AND xml NOT LIKE '%<masterKey%'");

        Assert.True(keys > 0);
        Assert.Equal(keys, encrypted);
    }

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
