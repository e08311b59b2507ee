namespace ServicePortal.Identity.OpenIdConnect.Stores;

/// <summary>
/// A client of the OpenID Connect provider (a row of <c>identity.oidc_applications</c>), with the fields of
/// OpenIddict's default application entity. Read and written only through <see cref="OidcApplicationStore"/>,
/// which OpenIddict's application manager drives.
/// </summary>
public sealed class OidcApplication
{
    public string? Id { get; set; }
    public string? ApplicationType { get; set; }
    public string? ClientId { get; set; }
    /// <summary>The secret as hashed by OpenIddict's manager, never the secret itself.</summary>
    public string? ClientSecret { get; set; }
    public string? ClientType { get; set; }
    public string ConcurrencyToken { get; set; } = OidcStoreSql.NewConcurrencyToken();
    public string? ConsentType { get; set; }
    public string? DisplayName { get; set; }
    /// <summary>JSON object: culture name to display name.</summary>
    public string? DisplayNames { get; set; }
    /// <summary>JSON Web Key Set (JSON) for clients that authenticate with signed assertions.</summary>
    public string? JsonWebKeySet { get; set; }
    public string[] Permissions { get; set; } = [];
    public string[] PostLogoutRedirectUris { get; set; } = [];
    /// <summary>JSON object of additional properties.</summary>
    public string? Properties { get; set; }
    public string[] RedirectUris { get; set; } = [];
    public string[] Requirements { get; set; } = [];
    /// <summary>JSON object: setting name to value.</summary>
    public string? Settings { get; set; }
}
