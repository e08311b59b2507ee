using System.Net;

namespace ServicePortal.Testing;

/// <summary>
/// Cookies as a browser keeps them for a portal on this machine: Chromium treats <c>http://localhost</c> and
/// <c>http://127.0.0.1</c> as secure contexts, so it stores and sends <c>Secure</c> cookies there, which .NET's
/// <see cref="CookieContainer"/> does only over HTTPS. Outside Development every portal cookie is Secure, so a test
/// client of a portal on a loopback port (Kestrel, plain HTTP) needs this to keep a session.
/// </summary>
public sealed class LoopbackCookies : DelegatingHandler
{
    private readonly CookieContainer _cookies = new();

    public LoopbackCookies()
        : base(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
    {
    }

    /// <summary>A client of <paramref name="address"/> that keeps cookies this way and does not follow redirects.</summary>
    public static HttpClient Client(Uri address) => new(new LoopbackCookies()) { BaseAddress = address };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var jar = JarUri(request.RequestUri!);
        var header = _cookies.GetCookieHeader(jar);
        if (header.Length > 0)
        {
            request.Headers.Remove("Cookie");
            request.Headers.Add("Cookie", header);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            foreach (var value in values)
            {
                _cookies.SetCookies(jar, value);
            }
        }

        return response;
    }

    // Loopback over HTTP is kept as if it were HTTPS (what a browser does); anything else as it is.
    private static Uri JarUri(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttp && (uri.IsLoopback || uri.Host == "localhost")
            ? new UriBuilder(uri) { Scheme = Uri.UriSchemeHttps }.Uri
            : uri;
}
