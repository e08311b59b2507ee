using Microsoft.Extensions.DependencyInjection;

namespace ServicePortal.Identity.OpenIdConnect.Stores;

/// <summary>Plugs the PostgreSQL stores into OpenIddict: <c>services.AddOpenIddict().AddCore(o => o.AddDapperStores())</c>.</summary>
public static class DapperStoresRegistration
{
    /// <summary>
    /// Makes <see cref="OidcApplication"/>, <see cref="OidcAuthorization"/>, <see cref="OidcScope"/> and
    /// <see cref="OidcToken"/> OpenIddict's entities, stored in the <c>identity</c> schema through the one
    /// <c>NpgsqlDataSource</c> registered by Core. The stores keep no state of their own (each call takes a
    /// connection from the data source and returns it), so they are singletons; OpenIddict's managers stay
    /// scoped.
    /// </summary>
    public static OpenIddictCoreBuilder AddDapperStores(this OpenIddictCoreBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .SetDefaultApplicationEntity<OidcApplication>()
            .SetDefaultAuthorizationEntity<OidcAuthorization>()
            .SetDefaultScopeEntity<OidcScope>()
            .SetDefaultTokenEntity<OidcToken>()
            .ReplaceApplicationStore<OidcApplication, OidcApplicationStore>(ServiceLifetime.Singleton)
            .ReplaceAuthorizationStore<OidcAuthorization, OidcAuthorizationStore>(ServiceLifetime.Singleton)
            .ReplaceScopeStore<OidcScope, OidcScopeStore>(ServiceLifetime.Singleton)
            .ReplaceTokenStore<OidcToken, OidcTokenStore>(ServiceLifetime.Singleton);
    }
}
