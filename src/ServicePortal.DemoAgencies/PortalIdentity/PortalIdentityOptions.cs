namespace ServicePortal.DemoAgencies.PortalIdentity;

/// <summary>
/// Which portal this agency trusts (section <c>DemoAgencies</c>). Without <see cref="PortalUrl"/> the agency trusts
/// no portal and refuses every identity, which is the safe default for a backend nobody has configured yet.
/// </summary>
public sealed class PortalIdentityOptions
{
    public const string Section = "DemoAgencies";

    /// <summary>The portal's base address, where <c>.well-known/jwks</c> is served (e.g. <c>http://localhost:5000/</c>).</summary>
    public string? PortalUrl { get; set; }

    /// <summary>
    /// The <c>iss</c> the portal writes into assertions. Defaults to <see cref="PortalUrl"/> with a trailing slash;
    /// set it when the agency reaches the portal by an internal address that differs from the published issuer.
    /// </summary>
    public string? PortalIssuer { get; set; }

    /// <summary>
    /// How long one read of the portal's JWKS may take (default 10 seconds). The test suite gives its agencies longer
    /// (tests/test.runsettings): on a loaded 2-core machine a portal that has just started can take more than 10 s to
    /// answer its first JWKS, and every assertion is refused until it does.
    /// </summary>
    public TimeSpan JwksTimeout { get; set; } = TimeSpan.FromSeconds(10);

    internal bool TrustsAPortal => !string.IsNullOrWhiteSpace(PortalUrl);

    internal Uri JwksUri => new(new Uri(WithTrailingSlash(PortalUrl!)), ".well-known/jwks");

    internal string Issuer => string.IsNullOrWhiteSpace(PortalIssuer) ? WithTrailingSlash(PortalUrl!) : PortalIssuer;

    /// <summary>A bad address stops the host at start-up instead of turning every request into a 401 later.</summary>
    internal static bool IsValid(PortalIdentityOptions options) =>
        options.JwksTimeout > TimeSpan.Zero && options.JwksTimeout <= TimeSpan.FromMinutes(5) && (!options.TrustsAPortal ||
        (IsHttpUrl(options.PortalUrl) && (string.IsNullOrWhiteSpace(options.PortalIssuer) || IsHttpUrl(options.PortalIssuer))));

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static string WithTrailingSlash(string url) => url.EndsWith('/') ? url : url + "/";
}
