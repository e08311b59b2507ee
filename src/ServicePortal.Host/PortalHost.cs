using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using ServicePortal.Catalog;
using ServicePortal.Core.Database;
using ServicePortal.Core.Hosting;
using ServicePortal.Core.Messaging;
using ServicePortal.Core.Security;
using ServicePortal.Gateway;
using ServicePortal.Helpdesk;
using ServicePortal.Host.Web;
using ServicePortal.Identity;
using ServicePortal.Requests;

namespace ServicePortal.Host;

/// <summary>
/// Builds and runs the portal: the database first (configured, or an embedded cluster), then the web
/// shell, telemetry and each module. <c>migrate</c> as the first argument applies migrations and exits;
/// <c>verify-audit</c> checks the audit hash chains and exits (0 intact, 2 broken).
/// A start-up failure prints one line that says what to fix, and the process exits with 1.
/// </summary>
public static class PortalHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        EmbeddedPostgres? embedded = null;
        try
        {
            var migrateOnly = args.Length > 0 && args[0] == "migrate";
            var verifyAudit = args.Length > 0 && args[0] == "verify-audit";
            var builder = WebApplication.CreateBuilder(migrateOnly || verifyAudit ? args[1..] : args);
            UsePortalUrls(builder, args);

            // The settings a deployment must make come first, so a missing one is named before anything starts.
            DeploymentSettings.Require(builder.Configuration, builder.Environment);
            builder.Services.AddPortalDataProtection(builder.Configuration, builder.Environment);
            embedded = await builder.AddPortalDatabaseAsync();
            builder.Services.AddPortalMessaging(builder.Configuration, builder.Environment);
            builder.AddWebShell();
            builder.AddTelemetry();
            builder.AddIdentityModule();
            builder.AddCatalogModule();
            builder.AddGatewayModule();
            builder.AddRequestsModule();
            builder.AddHelpdeskModule();
            builder.Services.AddHostedService<StartupBanner>();

            var app = builder.Build();
            var database = app.Services.GetRequiredService<DatabaseStartup>();
            if (migrateOnly)
            {
                await database.MigrateOnlyAsync(CancellationToken.None);
                Console.WriteLine("Migrations applied.");
                return 0;
            }

            if (verifyAudit)
            {
                return await VerifyAuditAsync(app.Services, database);
            }

            // Reachable and migrated before the first request; under WebApplicationFactory (tests) this line
            // is not reached, and the test database is cloned from an already migrated template.
            await database.PrepareAsync(app.Lifetime.ApplicationStopping);

            app.UseWebShell();
            app.MapHealth();
            app.MapTelemetry();
            app.MapDevelopmentMessages();
            app.MapIdentityModule();
            app.MapCatalogModule();
            app.MapGatewayModule();
            app.MapRequestsModule();
            app.MapHelpdeskModule();
            app.MapRazorPages();

            await app.RunAsync();
            return 0;
        }
        catch (PortalStartupException e)
        {
            await Console.Error.WriteLineAsync($"ServicePortal cannot start: {e.Message}");
            return 1;
        }
        catch (IOException e) when (e.InnerException is AddressInUseException)
        {
            await Console.Error.WriteLineAsync(
                $"ServicePortal cannot start: {e.Message} Another program is using that port: stop it, " +
                "or choose another address with PORTAL_URLS=http://localhost:5050 or --urls.");
            return 1;
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"ServicePortal cannot start: invalid configuration: {string.Join("; ", e.Failures)}");
            return 1;
        }
        catch (InvalidOperationException e) when (e.Source == typeof(ConfigurationBinder).Assembly.GetName().Name)
        {
            // A typed option could not be read, e.g. "sometimes" for a true/false setting: the configuration binder
            // threw it (told by where it came from, not by its words, which may change or be translated).
            await Console.Error.WriteLineAsync($"ServicePortal cannot start: invalid configuration: {e.Message}");
            return 1;
        }
        finally
        {
            if (embedded is not null)
            {
                await embedded.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// <c>verify-audit</c>: each module's hash chains (the access log, the gateway's audit) checked against the
    /// database, read only; OK with counts, or the first broken row named and exit code 2.
    /// </summary>
    private static async Task<int> VerifyAuditAsync(IServiceProvider services, DatabaseStartup database)
    {
        try
        {
            if (!await database.IsMigratedAsync(CancellationToken.None))
            {
                await Console.Error.WriteLineAsync("ServicePortal cannot verify the audit: the database is not migrated (run migrate first).");
                return 1;
            }

            return await Core.Audit.AuditVerification.RunAsync(services.GetServices<Core.Audit.IAuditChainVerifier>(),
                Console.Out, Console.Error, CancellationToken.None);
        }
        catch (Npgsql.NpgsqlException e)
        {
            await Console.Error.WriteLineAsync($"ServicePortal cannot verify the audit: the database cannot be read: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// The portal listens on http://localhost:5000 unless told otherwise: <c>--urls</c> wins, then
    /// <c>PORTAL_URLS</c>, then the usual ASP.NET settings (<c>ASPNETCORE_URLS</c>, <c>Kestrel</c> endpoints).
    /// </summary>
    private static void UsePortalUrls(WebApplicationBuilder builder, string[] args)
    {
        var portalUrls = Environment.GetEnvironmentVariable("PORTAL_URLS");
        var urlsOnCommandLine = args.Any(a => a.StartsWith("--urls", StringComparison.Ordinal));
        if (!urlsOnCommandLine && !string.IsNullOrWhiteSpace(portalUrls))
        {
            builder.WebHost.UseUrls(portalUrls);
        }
        else if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]) &&
                 !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls("http://localhost:5000");
        }
    }
}
