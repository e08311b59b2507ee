namespace ServicePortal.Identity.OpenIdConnect.Stores;

/// <summary>
/// A scope a client may ask for (a row of <c>identity.oidc_scopes</c>), with the fields of OpenIddict's
/// default scope entity.
/// </summary>
public sealed class OidcScope
{
    public string? Id { get; set; }
    public string ConcurrencyToken { get; set; } = OidcStoreSql.NewConcurrencyToken();
    public string? Description { get; set; }
    /// <summary>JSON object: culture name to description.</summary>
    public string? Descriptions { get; set; }
    public string? DisplayName { get; set; }
    /// <summary>JSON object: culture name to display name.</summary>
    public string? DisplayNames { get; set; }
    public string? Name { get; set; }
    /// <summary>JSON object of additional properties.</summary>
    public string? Properties { get; set; }
    /// <summary>The audiences (resource servers) a token granted this scope is for.</summary>
    public string[] Resources { get; set; } = [];
}
