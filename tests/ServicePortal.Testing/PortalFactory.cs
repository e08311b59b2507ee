using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ServicePortal.Testing;

/// <summary>
/// The real portal host on a database of its own (cloned from the migrated template). Use it as a class
/// fixture. <see cref="Environment"/> defaults to Production, so tests see what citizens see; a test of a
/// Development convenience says so. <see cref="StartKestrel"/> serves it on a real loopback port for the
/// browser tests.
/// </summary>
public class PortalFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private TestDatabase? _database;
    private readonly Dictionary<string, string?> _settings = new(StringComparer.Ordinal);

    public virtual string Environment => "Production";

    /// <summary>Set once <see cref="StartKestrel"/> has run: the address the portal listens on.</summary>
    public Uri? ServerAddress { get; set; }

    public TestDatabase Database => _database ?? throw new InvalidOperationException("The factory is not initialised.");

    /// <summary>Sets a configuration value before the host is built.</summary>
    public PortalFactory With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    public virtual async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    /// <summary>Starts the portal on Kestrel at a free loopback port and returns its address.</summary>
    public Uri StartKestrel()
    {
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment(Environment);
        builder.UseSetting("ConnectionStrings:Portal", Database.ConnectionString);
        // Nothing listens there: a test that needs the registry starts the demo one and says where it is.
        builder.UseSetting("Identity:RegistryUrl", "http://127.0.0.1:9/");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync(); // virtual: a subclass stops what it started, then the host stops
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>The portal as a developer runs it: Development conveniences on.</summary>
public class DevelopmentPortalFactory : PortalFactory
{
    public override string Environment => "Development";
}
