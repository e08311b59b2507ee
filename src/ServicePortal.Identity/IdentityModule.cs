using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ServicePortal.Core.Database;
using ServicePortal.Core.Hosting;
using ServicePortal.Core.Identity;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.OneTimeCodes;
using ServicePortal.Identity.OpenIdConnect;
using ServicePortal.Identity.Pages.Account;
using ServicePortal.Identity.Registration;
using ServicePortal.Identity.Registry;
using ServicePortal.Identity.Session;

using ServicePortal.Identity.Web;

using ServicePortal.Identity.AccessHistory;

namespace ServicePortal.Identity;

/// <summary>
/// Identity: one login keyed on the national ID number. Accounts, registration against the national ID
/// registry, sign-in with a password and a second factor, lockout, the browser session, staff roles, and (in
/// its own feature folder) the OpenID Connect provider that lets every other service trust that sign-in.
/// The host calls <see cref="AddIdentityModule"/> and <see cref="MapIdentityModule"/>; everything else the
/// module needs (endpoints, pages, SQL, jobs, validators) stays inside this project.
/// </summary>
public static class IdentityModule
{
    public const string Schema = "identity";

    /// <summary>A session signed in with the second factor (the higher assurance level).</summary>
    public const string SecondFactorPolicy = "second-factor";

    /// <summary>Staff pages: a staff role and the second factor (staff always use two factors).</summary>
    public const string StaffPolicy = PortalAuthorization.StaffPolicy;

    /// <summary>
    /// Rate limit on sign-in, registration and code attempts, per client network, across every node
    /// (<see cref="IdentityAttemptsPolicy"/>).
    /// </summary>
    public const string AttemptsPolicy = "identity-attempts";

    public static WebApplicationBuilder AddIdentityModule(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddMigrationsFrom(typeof(IdentityModule).Assembly);
        services.AddOptions<IdentityOptions>().Bind(builder.Configuration.GetSection("Identity"))
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<AccountStore>();
        // Staff names for other modules' pages (history rows keep account ids; see Core.Staff.IStaffNames).
        services.AddSingleton<Core.Staff.IStaffNames, StaffDirectory>();
        services.AddSingleton<PasswordHashing>();
        services.AddSingleton<OneTimeCodeService>();
        services.AddSingleton<SignInFlow>();
        services.AddSingleton<SignInLocks>();
        services.AddSingleton<NetworkNins>();
        services.AddSingleton<SignInUnlocks>();
        services.AddSingleton<TrustedDevices>();
        services.AddSingleton<PasswordGrants>();
        services.AddSingleton<SessionAccounts>();
        services.AddHostedService<SessionAccountListener>();
        services.AddSingleton<PortalSessions>();
        services.AddHostedService<SessionListener>();
        services.AddSingleton<AccountSecurityEvents>();
        services.AddSingleton<IAccountEvents>(sp => sp.GetRequiredService<AccountSecurityEvents>());
        services.AddSingleton<Authenticator.AuthenticatorApp>();
        // Passkeys: the relying party id and origins from Identity:Passkeys (else the issuer's), read when first used.
        services.AddSingleton<Fido2NetLib.IFido2>(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var issuer = Uri.TryCreate(configuration["Identity:Issuer"], UriKind.Absolute, out var uri) ? uri : null;
            return new Fido2NetLib.Fido2(Passkeys.PasskeyOptions.Configuration(
                configuration.GetSection("Identity:Passkeys").Get<Passkeys.PasskeyOptions>(), issuer));
        });
        services.AddSingleton<Passkeys.PasskeyService>();
        services.AddSingleton<Recovery.AssistedRecovery>();
        foreach (var role in new[] { Core.Staff.StaffRoles.HelpdeskAgent, Core.Staff.StaffRoles.HelpdeskSupervisor })
        {
            Core.Staff.StaffToolSetup.AddStaffTool(services, new Core.Staff.StaffTool(role, "Kurejesha akaunti", "Account recovery",
                "Fungua akaunti, badilisha simu iliyopotea, weka upya programu ya uthibitisho (msimamizi mwingine anaamua).",
                "Unlock an account, change a lost phone, reset an authenticator app (another supervisor decides).", "/helpdesk/akaunti"));
        }
        services.AddSingleton<RegistrationFlow>();
        services.AddPortalContact(builder.Configuration);
        services.AddOptions<RegistrationOptions>().Bind(builder.Configuration.GetSection(RegistrationOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient<INationalIdRegistry, HttpNationalIdRegistry>((sp, http) =>
        {
            http.BaseAddress = sp.GetRequiredService<IOptions<IdentityOptions>>().Value.RegistryUrl;
            http.Timeout = TimeSpan.FromSeconds(10);
        });

        var configured = builder.Configuration.GetSection("Identity").Get<IdentityOptions>() ?? new IdentityOptions();
        var cookies = new IdentityCookies(Core.Security.SecureCookies.Required(builder.Configuration, builder.Environment));
        services.AddSingleton(cookies);
        services.AddAuthentication(PortalSession.Scheme)
            .AddCookie(PortalSession.Scheme, options => PortalSession.ConfigureCookie(options, cookies.Secure,
                configured.SessionAbsoluteLifetime > configured.StaffSessionAbsoluteLifetime
                    ? configured.SessionAbsoluteLifetime
                    : configured.StaffSessionAbsoluteLifetime))
            .AddCookie(PortalSession.PendingScheme, options =>
            {
                options.Cookie.Name = "portal_pending";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = cookies.Policy;
                options.Cookie.Path = "/account";
                options.ExpireTimeSpan = TimeSpan.FromMinutes(10);
                options.SlidingExpiration = false;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(SecondFactorPolicy, policy => policy
                .AddAuthenticationSchemes(PortalSession.Scheme)
                .RequireAuthenticatedUser()
                .RequireClaim(PortalSession.AcrClaim, Assurance.Substantial))
            .AddPolicy(StaffPolicy, policy => policy
                .AddAuthenticationSchemes(PortalSession.Scheme)
                .RequireAuthenticatedUser()
                .RequireClaim(PortalSession.AcrClaim, Assurance.Substantial)
                .RequireClaim(PortalSession.RoleClaim));
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                // A policy without its own answer: when to come back, if its limiter says, else in a minute.
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter =
                    Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            options.AddPolicy<string, IdentityAttemptsPolicy>(AttemptsPolicy);
        });
        // The module's pages: its assembly is an application part (the SDK does not add a referenced Razor
        // class library on its own when it uses the shared framework).
        services.AddRazorPages(options => RegisterModel.AddForgotPasswordRoute(options.Conventions))
            .AddApplicationPart(typeof(IdentityModule).Assembly);

        services.AddScoped<OpenIdConnect.OidcPrincipals>(); // uses OpenIddict's scoped managers
        services.AddSingleton<Assertions.IdentityAssertionIssuer>();
        services.AddSingleton<Core.Identity.IIdentityAssertions>(sp => sp.GetRequiredService<Assertions.IdentityAssertionIssuer>());
        services.AddSingleton<Core.Identity.ICitizenDirectory>(sp => sp.GetRequiredService<Assertions.IdentityAssertionIssuer>());
        services.AddSingleton<Core.Identity.ICitizenAccounts, Accounts.CitizenAccountDirectory>(); // the helpdesk's find and case screens
        services.AddSingleton<Core.Audit.IAgencySubjects>(sp => sp.GetRequiredService<OpenIdConnect.PairwiseSubjects>());
        services.AddSingleton<AccessHistory.AccessHistoryReader>();
        builder.AddOidcServer();

        if (builder.Environment.IsDevelopment())
        {
            services.AddHostedService<DemoAccounts>();
            services.AddSingleton(DemoAccounts.Notice);
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapIdentityModule(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapOidcEndpoints().MapShowPasswordScript().MapPasskeyScript().MapAccessHistoryApi();
}
