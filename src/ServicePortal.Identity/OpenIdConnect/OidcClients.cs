using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenIddict.Abstractions;
using ServicePortal.Core.Hosting;
using ServicePortal.Core.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static ServicePortal.Identity.OpenIdConnect.OidcServer;

namespace ServicePortal.Identity.OpenIdConnect;

/// <summary>
/// Registers the scopes (with their names in both languages, shown on the consent page) and, in Development,
/// the demo public client <c>portal-dev-client</c>. Idempotent: run at every start.
/// </summary>
public sealed class OidcClients(IServiceScopeFactory scopes, IHostEnvironment environment, IServiceProvider services) : IHostedService
{
    public const string DevClientId = "portal-dev-client";

    /// <summary>Development: the demo RITA backend, for client credentials. Its secret is generated, never committed.</summary>
    public const string DevAgencyClientId = "demo-rita-backend";

    /// <summary>
    /// The client property (<c>true</c>) that lets a client ask for the password-only level
    /// (<c>acr_values=urn:serviceportal:loa:low</c>). Set by the administrator who registers the client, for a service
    /// whose data needs no more; any other client that asks for it gets both factors.
    /// </summary>
    public const string PasswordLevelProperty = "password_level";

    public static async Task<bool> AllowsPasswordLevelAsync(IOpenIddictApplicationManager applications, object application,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applications);
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        return properties.TryGetValue(PasswordLevelProperty, out var allowed) && allowed.ValueKind == System.Text.Json.JsonValueKind.True;
    }

    public static readonly IReadOnlyDictionary<string, (string Sw, string En, string? Resource)> ScopeTexts =
        new Dictionary<string, (string, string, string?)>(StringComparer.Ordinal)
        {
            [Scopes.OpenId] = ("Kukutambua kwa kitambulisho cha siri (bila kufichua NIN yako)", "Recognise you by a private identifier (without your NIN)", null),
            [Scopes.Profile] = ("Majina yako na tarehe yako ya kuzaliwa", "Your names and date of birth", null),
            [Scopes.Phone] = ("Namba yako ya simu", "Your phone number", null),
            [Scopes.Email] = ("Anwani yako ya barua pepe", "Your e-mail address", null),
            [Scopes.OfflineAccess] = ("Kuendelea kufikia huduma hizi bila kukuuliza tena", "Keep access without asking you again", null),
            [PortalScopes.NationalId] = ("Namba yako ya Utambulisho wa Taifa (NIN)", "Your National Identification Number (NIN)", null),
            [PortalScopes.Gateway] = ("Kutumia huduma za taasisi kupitia lango kwa niaba yako", "Use agency services through the portal on your behalf", "portal-gateway"),
            [PortalScopes.Requests] = ("Kuona na kutuma maombi yako", "See and send your applications", "portal-requests"),
            [PortalScopes.AgencyManage] = ("Kusimamia huduma za taasisi katika orodha", "Manage an agency's services in the catalogue", "portal-catalog"),
            [PortalScopes.AgencyRequests] = ("Kutuma hali ya maombi ya taasisi", "Report the status of an agency's applications", "portal-requests"),
        };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var scopeManager = scope.ServiceProvider.GetRequiredService<IOpenIddictScopeManager>();
        foreach (var (name, (sw, en, resource)) in ScopeTexts)
        {
            if (await scopeManager.FindByNameAsync(name, cancellationToken) is not null)
            {
                continue;
            }

            var descriptor = new OpenIddictScopeDescriptor { Name = name, DisplayName = en };
            descriptor.DisplayNames[CultureInfo.GetCultureInfo("sw")] = sw;
            descriptor.DisplayNames[CultureInfo.GetCultureInfo("en")] = en;
            if (resource is not null)
            {
                descriptor.Resources.Add(resource);
            }

            await scopeManager.CreateAsync(descriptor, cancellationToken);
        }

        if (environment.IsDevelopment())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            if (await applications.FindByClientIdAsync(DevClientId, cancellationToken) is null)
            {
                await applications.CreateAsync(DevClient(), cancellationToken);
            }

            // The secret is made at first start and kept beside the database it was registered in (the embedded
            // cluster's folder, .data/postgres/dev-clients.json by default; git-ignored) for the demo and the
            // benchmarks; the database keeps only its hash. Another portal with its own database never overwrites it.
            var folder = services.GetService<ServicePortal.Core.Database.DatabaseFiles>()?.Directory
                ?? LocalData.Directory(environment.ContentRootPath);
            var secretFile = Path.Combine(folder, "dev-clients.json");
            if (await applications.FindByClientIdAsync(DevAgencyClientId, cancellationToken) is null ||
                !File.Exists(secretFile))
            {
                if (await applications.FindByClientIdAsync(DevAgencyClientId, cancellationToken) is { } old)
                {
                    await applications.DeleteAsync(old, cancellationToken);
                }

                var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
                await applications.CreateAsync(DevAgencyClient(secret), cancellationToken);
                Directory.CreateDirectory(Path.GetDirectoryName(secretFile)!);
                await File.WriteAllTextAsync(secretFile, System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["client_id"] = DevAgencyClientId,
                    ["client_secret"] = secret,
                }), cancellationToken);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>An agency backend: client credentials only, bound to the agency <c>rita</c>.</summary>
    public static OpenIddictApplicationDescriptor DevAgencyClient(string secret)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = DevAgencyClientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = "RITA demo backend",
            Permissions =
            {
                Permissions.Endpoints.Token, Permissions.Endpoints.Revocation, Permissions.Endpoints.Introspection,
                Permissions.GrantTypes.ClientCredentials,
                Permissions.Prefixes.Scope + PortalScopes.AgencyManage, Permissions.Prefixes.Scope + PortalScopes.AgencyRequests,
            },
        };
        descriptor.Properties[PortalClaims.Agency] = System.Text.Json.JsonSerializer.SerializeToElement("rita");
        return descriptor;
    }

    /// <summary>
    /// A public (native) client for trying the provider from a developer's machine: PKCE, loopback redirect
    /// URIs on any port (RFC 8252 §7.3), every citizen scope.
    /// </summary>
    public static OpenIddictApplicationDescriptor DevClient()
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = DevClientId,
            ClientType = ClientTypes.Public,
            ApplicationType = ApplicationTypes.Native,
            ConsentType = ConsentTypes.Explicit,
            DisplayName = "Portal development client",
            RedirectUris = { new Uri("http://127.0.0.1/callback"), new Uri("http://localhost/callback") },
            PostLogoutRedirectUris = { new Uri("http://127.0.0.1/signed-out"), new Uri("http://localhost/signed-out") },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        descriptor.DisplayNames[CultureInfo.GetCultureInfo("sw")] = "Programu ya majaribio ya lango";
        foreach (var permission in new[]
                 {
                     Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
                     Permissions.Endpoints.Revocation, Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken,
                     Permissions.ResponseTypes.Code, Permissions.Scopes.Profile, Permissions.Scopes.Phone, Permissions.Scopes.Email,
                     Permissions.Prefixes.Scope + PortalScopes.NationalId, Permissions.Prefixes.Scope + PortalScopes.Gateway,
                     Permissions.Prefixes.Scope + PortalScopes.Requests, Permissions.Prefixes.Scope + Scopes.OfflineAccess,
                 })
        {
            descriptor.Permissions.Add(permission);
        }

        return descriptor;
    }
}
