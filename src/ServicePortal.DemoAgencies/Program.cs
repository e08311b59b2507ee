namespace ServicePortal.DemoAgencies;

/// <summary>Starts every demo agency on its own loopback port (see appsettings.json) and runs until Ctrl+C.</summary>
public static class Program
{
    public static Task<int> Main(string[] args) => DemoAgencyHost.RunAsync(args);
}
