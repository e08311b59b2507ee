using Microsoft.AspNetCore.Hosting;

namespace ServicePortal.Catalog.Tests;

/// <summary>The portal (Production, as citizens see it) with the demo catalogue seeded into its own database.</summary>
public class CatalogPortalFactory : PortalFactory
{
    public CatalogPortalFactory() => With("Catalog:SeedDemoData", "true");
}

/// <summary>A second node on another node's database: what a load balancer's second pod is.</summary>
public sealed class SecondNode : PortalFactory
{
    private readonly string _connectionString;

    public SecondNode(string connectionString, TimeSpan versionCheckInterval)
    {
        _connectionString = connectionString;
        With("Catalog:VersionCheckInterval", versionCheckInterval.ToString());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:Portal", _connectionString);
    }
}
