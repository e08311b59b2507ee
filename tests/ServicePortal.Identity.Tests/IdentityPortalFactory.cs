using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServicePortal.Core.Identity;
using ServicePortal.DemoAgencies;
using ServicePortal.DemoAgencies.Agencies.Nida;
using ServicePortal.Identity.Registry;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// The portal for the identity tests, on the in-memory test server. Lockout and rate limits can be tightened per
/// test class. Nothing listens at its registry address: a class that reaches the national ID registry uses
/// <see cref="RegistryPortalFactory"/>. Its clock is a <see cref="TestClock"/> (real time until a test moves it).
/// </summary>
public class IdentityPortalFactory : PortalFactory
{
    private WebApplication? _registry;

    public TestClock Clock { get; } = new();

    /// <summary>The demo registry's latest log lines (empty unless <see cref="WithRegistry"/>).</summary>
    public TestLogs RegistryLogs { get; } = new("registry");

    /// <summary>Where the portal looks for the national ID registry's verification API.</summary>
    public Uri RegistryAddress { get; private set; } = null!;

    /// <summary>
    /// Whether the portal listens on a real loopback port with the demo registry beside it. The registry trusts only
    /// the portal's service assertion, which it verifies with the portal's JWKS, so it must be able to reach the
    /// portal over HTTP.
    /// </summary>
    protected virtual bool WithRegistry => false;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // Sessions and their accounts stay in a node's cache for the longest the setting allows (30 s in production):
        // a test that waits for a session to end then sees the eviction it is about, never the cache running out.
        With("Identity:SessionCacheLifetime", "00:05:00");
        // The registry's port is chosen first: the portal must know it before it starts, and the registry must know
        // the portal's address (to read its JWKS) before it starts.
        RegistryAddress = new Uri($"http://127.0.0.1:{HostProcess.FreePort()}/");
        With("Identity:RegistryUrl", RegistryAddress.ToString());
        if (!WithRegistry)
        {
            return;
        }

        With("Identity:AllowHttp", "true"); // plain HTTP on loopback: the registry reads the JWKS from it
        // The registry client's request and answer times in the log a failing test prints.
        With("Logging:LogLevel:System.Net.Http.HttpClient", "Information");
        ServerAddress = StartKestrel();
        _registry = DemoAgencyHost.Build(DemoAgency.Get("nida"), RegistryAddress.ToString().TrimEnd('/'),
            configure: builder =>
            {
                builder.Configuration["DemoAgencies:PortalUrl"] = ServerAddress.ToString();
                builder.Logging.AddProvider(RegistryLogs);
            });
        await _registry.StartAsync();

        // Ready once the registry answers the portal. Its first answer reads the portal's JWKS and runs both hosts'
        // request paths for the first time, which on a loaded machine took longer than the registry client's 10-second
        // timeout: the test that met it saw "the registry is unavailable" and waited in vain for the question page.
        var registry = Services.GetRequiredService<INationalIdRegistry>();
        var someone = NidaRegistry.SeededPeople.First();
        await Eventually.ValueAsync(
            () => registry.StartAsync(NationalIdNumber.Parse(someone.Nin, DateOnly.MaxValue), "Hakuna", someone.LastName,
                someone.DateOfBirth, CancellationToken.None),
            answer => answer is RegistryStart.NoMatch, "the demo registry to answer the portal (a name it does not hold)");
    }

    /// <summary>
    /// Makes this portal a second node of <paramref name="first"/>: the same database (so the same accounts,
    /// sessions, counters and Data Protection keys), a host of its own. Call before the host is first used.
    /// </summary>
    public IdentityPortalFactory SharingDatabaseWith(PortalFactory first)
    {
        ArgumentNullException.ThrowIfNull(first);
        With("ConnectionStrings:Portal", first.Database.ConnectionString);
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>The demo registry this portal uses (null unless <see cref="WithRegistry"/>).</summary>
    public WebApplication? Registry => _registry;

    public async Task StopRegistryAsync()
    {
        if (_registry is not null)
        {
            await _registry.StopAsync();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>The portal on a real loopback port with the demo national ID registry (the <c>nida</c> demo agency) trusting it.</summary>
public class RegistryPortalFactory : IdentityPortalFactory
{
    protected override bool WithRegistry => true;
}
