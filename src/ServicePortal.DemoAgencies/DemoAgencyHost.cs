using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ServicePortal.DemoAgencies.Applications;
using ServicePortal.DemoAgencies.PortalIdentity;

namespace ServicePortal.DemoAgencies;

/// <summary>
/// Runs the demo agencies, each as its own small web application on its own port, in one process: what
/// separate agency systems look like to the portal, without separate deployments.
/// </summary>
public static class DemoAgencyHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();

        // One control token for every agency of this run: given, or made now and shown below for a person trying
        // the fault injection by hand (the tests start agencies in process and ask ControlToken).
        var controlToken = configuration[DemoControl.Setting] is { Length: > 0 } given ? given : DemoControl.NewToken();
        var apps = new List<WebApplication>();
        try
        {
            // The demo agencies at their configured addresses, then the benchmark agencies if any are asked for.
            var agencies = DemoAgency.All.Select(agency => (Agency: agency, Url: configuration[$"DemoAgencies:{agency.Code}"]))
                .Concat(Agencies.Bench.BenchAgency.Configured(configuration).Select(bench => ((DemoAgency)bench.Agency, (string?)bench.Url)));
            foreach (var (agency, url) in agencies)
            {
                if (string.IsNullOrWhiteSpace(url))
                {
                    continue;
                }

                var app = Build(agency, url, args, b => b.Configuration[DemoControl.Setting] = controlToken);
                await app.StartAsync();
                apps.Add(app);
                Console.WriteLine($"  {agency.Code,-6} {agency.NameEn,-45} {BaseAddress(app)}");
            }
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await Console.Error.WriteLineAsync($"Demo agencies cannot start: {e.Message} " +
                "Stop what uses that port, or set DemoAgencies__<code>=http://127.0.0.1:<free port>.");
            foreach (var app in apps)
            {
                await app.StopAsync();
            }

            return 1;
        }

        Console.WriteLine($"  Demo controls (/_demo): Authorization: Bearer {controlToken}");
        Console.WriteLine("  Demo agencies are running. Press Ctrl+C to stop.");
        await Task.WhenAll(apps.Select(app => app.WaitForShutdownAsync()));
        return 0;
    }

    /// <summary>Builds one agency's web application listening on <paramref name="url"/> (port 0: any free port).</summary>
    public static WebApplication Build(DemoAgency agency, string url, string[]? args = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(agency);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ApplicationName = typeof(DemoAgencyHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls(url);
        builder.Host.UseConsoleLifetime(o => o.SuppressStatusMessages = true);
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(agency);
        // Every agency verifies the portal's identity assertions the same way (DemoAgencies:PortalUrl).
        builder.Services.AddPortalIdentityVerification(builder.Configuration);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        if (agency.Applications is { } catalogue)
        {
            builder.Services.AddApplicationContract(builder.Configuration, catalogue);
        }

        agency.AddServices(builder.Services);
        configure?.Invoke(builder);
        builder.Services.AddSingleton(new DemoControl(
            builder.Configuration[DemoControl.Setting] is { Length: > 0 } token ? token : DemoControl.NewToken()));

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        CommonEndpoints.Map(app, agency);
        agency.MapEndpoints(app);
        if (agency.Applications is { } applications)
        {
            app.MapApplicationContract(applications);
        }

        return app;
    }

    /// <summary>The token a started agency's test controls (<c>/_demo</c>) ask for, as <c>Authorization: Bearer</c>.</summary>
    public static string ControlToken(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<DemoControl>().Token;
    }

    /// <summary>A client of a started agency's test controls: its address, with the control token.</summary>
    public static HttpClient ControlClient(WebApplication app) => new()
    {
        BaseAddress = BaseAddress(app),
        DefaultRequestHeaders = { Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ControlToken(app)) },
    };

    /// <summary>The address a started agency listens on (useful when it was started on port 0).</summary>
    public static Uri BaseAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.EndsWith('/') ? address : address + "/");
    }
}
