using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using ServicePortal.Core.Identity;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.OpenIdConnect.Stores;
using ServicePortal.Identity.Session;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ServicePortal.Identity.OpenIdConnect;

/// <summary>
/// The OpenID Connect provider: OpenIddict's server on the Dapper stores, with token storage on (so codes
/// and refresh tokens can be revoked and replays detected), PKCE S256 required of every client, rotating
/// refresh tokens, client credentials for agency backends (secret or <c>private_key_jwt</c>), pairwise
/// subjects, two assurance levels, and keys from the <see cref="KeyRing"/>.
/// </summary>
public static class OidcServer
{
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan IdentityTokenLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan AuthorizationCodeLifetime = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(14);

    public static void AddOidcServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<KeyRing>();
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, KeyRing.Configurer>();
        services.AddSingleton<IOptionsChangeTokenSource<OpenIddictServerOptions>, KeyRing.ChangeSource>();
        services.AddHostedService<KeyRing.RotationJob>();
        services.AddSingleton<PairwiseSubjects>();
        services.AddSingleton<RefreshTokenRevocation>();
        services.AddHostedService<OidcClients>();

        var issuer = builder.Configuration["Identity:Issuer"];
        services.AddOpenIddict()
            .AddCore(options => options.AddDapperStores())
            .AddServer(options =>
            {
                options.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetEndSessionEndpointUris("connect/endsession")
                    .SetRevocationEndpointUris("connect/revoke")
                    .SetIntrospectionEndpointUris("connect/introspect")
                    .SetJsonWebKeySetEndpointUris(".well-known/jwks");
                if (!string.IsNullOrWhiteSpace(issuer))
                {
                    options.SetIssuer(new Uri(issuer));
                }

                options.AllowAuthorizationCodeFlow()
                    .AllowRefreshTokenFlow()
                    .AllowClientCredentialsFlow();
                options.RequireProofKeyForCodeExchange();
                options.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Phone, Scopes.Email, Scopes.OfflineAccess,
                    PortalScopes.NationalId, PortalScopes.Gateway, PortalScopes.Requests,
                    PortalScopes.AgencyManage, PortalScopes.AgencyRequests);
                options.RegisterClaims(Claims.Subject, Claims.Name, Claims.GivenName, Claims.FamilyName, Claims.MiddleName,
                    Claims.Birthdate, Claims.PhoneNumber, Claims.PhoneNumberVerified, Claims.Email,
                    Claims.AuthenticationContextReference, Claims.AuthenticationMethodReference, Claims.AuthenticationTime,
                    PortalClaims.Nin, PortalClaims.Agency);

                options.SetAccessTokenLifetime(AccessTokenLifetime)
                    .SetIdentityTokenLifetime(IdentityTokenLifetime)
                    .SetAuthorizationCodeLifetime(AuthorizationCodeLifetime)
                    .SetRefreshTokenLifetime(RefreshTokenLifetime)
                    // A spent refresh token presented again means it leaked: refuse it at once (no grace period)
                    // and revoke everything issued from the same authorization.
                    .SetRefreshTokenReuseLeeway(TimeSpan.Zero);

                // Access tokens are signed JWTs that the gateway and agency APIs verify with the JWKS.
                options.DisableAccessTokenEncryption();

                // Publish the assurance levels, and accept only S256 code challenges (never "plain").
                options.AddEventHandler<OpenIddictServerEvents.HandleConfigurationRequestContext>(handler =>
                    handler.UseInlineHandler(context =>
                    {
                        context.Metadata[Metadata.AcrValuesSupported] = new OpenIddictParameter([Assurance.Low, Assurance.Substantial]);
                        context.Metadata[Metadata.SubjectTypesSupported] = new OpenIddictParameter(["pairwise"]);
                        return default;
                    }));
                options.Configure(server => server.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));

                var aspnet = options.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableStatusCodePagesIntegration();
                if (builder.Environment.IsDevelopment() || string.Equals(builder.Configuration["Identity:AllowHttp"], "true", StringComparison.OrdinalIgnoreCase))
                {
                    // Behind a TLS-terminating load balancer, or on a developer's machine.
                    aspnet.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(options =>
            {
                options.UseLocalServer();
                options.UseAspNetCore();
            });
    }
}
