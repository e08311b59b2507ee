using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.DemoAgencies;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// The portal with the demo national ID registry (the <c>nida</c> demo agency, a real HTTP service on a
/// loopback port). Lockout and rate limits can be tightened per test class. Its clock is a
/// <see cref="TestClock"/> (real time until a test moves it).
/// </summary>
public class IdentityPortalFactory : PortalFactory
{
    private WebApplication? _registry;

    public Uri RegistryAddress { get; private set; } = null!;

    public TestClock Clock { get; } = new();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _registry = DemoAgencyHost.Build(DemoAgency.Get("nida"), "http://127.0.0.1:0");
        await _registry.StartAsync();
        RegistryAddress = DemoAgencyHost.BaseAddress(_registry);
        With("Identity:RegistryUrl", RegistryAddress.ToString());
        With("Identity:AttemptsPerAddressPerMinute", "1000");
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
