namespace ServicePortal.Identity.OpenIdConnect.Stores;

/// <summary>
/// A token OpenIddict issued (a row of <c>identity.oidc_tokens</c>), with the fields of OpenIddict's default
/// token entity. A reference token keeps its protected payload here and is found by its reference id.
/// </summary>
public sealed class OidcToken
{
    public string? Id { get; set; }
    public string? ApplicationId { get; set; }
    public string? AuthorizationId { get; set; }
    public string ConcurrencyToken { get; set; } = OidcStoreSql.NewConcurrencyToken();
    /// <summary>UTC.</summary>
    public DateTime? CreationDate { get; set; }
    /// <summary>UTC.</summary>
    public DateTime? ExpirationDate { get; set; }
    public string? Payload { get; set; }
    /// <summary>JSON object of additional properties.</summary>
    public string? Properties { get; set; }
    /// <summary>UTC.</summary>
    public DateTime? RedemptionDate { get; set; }
    public string? ReferenceId { get; set; }
    public string? Status { get; set; }
    public string? Subject { get; set; }
    public string? Type { get; set; }
}
