namespace ServicePortal.Identity.OpenIdConnect.Stores;

/// <summary>
/// What a subject allowed a client (a row of <c>identity.oidc_authorizations</c>): a permanent consent or the
/// ad-hoc authorization behind one sign-in, with the fields of OpenIddict's default authorization entity.
/// </summary>
public sealed class OidcAuthorization
{
    public string? Id { get; set; }
    public string? ApplicationId { get; set; }
    public string ConcurrencyToken { get; set; } = OidcStoreSql.NewConcurrencyToken();
    /// <summary>UTC.</summary>
    public DateTime? CreationDate { get; set; }
    /// <summary>JSON object of additional properties.</summary>
    public string? Properties { get; set; }
    public string[] Scopes { get; set; } = [];
    public string? Status { get; set; }
    public string? Subject { get; set; }
    public string? Type { get; set; }
}
