using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.DemoAgencies;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// The portal with the demo national ID registry (the <c>nida</c> demo agency, a real HTTP service on a
/// loopback port). Lockout and rate limits can be tightened per test class.
/// </summary>
public class IdentityPortalFactory : PortalFactory
{
    private WebApplication? _registry;

    public Uri RegistryAddress { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _registry = DemoAgencyHost.Build(DemoAgency.Get("nida"), "http://127.0.0.1:0");
        await _registry.StartAsync();
        RegistryAddress = DemoAgencyHost.BaseAddress(_registry);
        With("Identity:RegistryUrl", RegistryAddress.ToString());
        With("Identity:AttemptsPerAddressPerMinute", "1000");
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
