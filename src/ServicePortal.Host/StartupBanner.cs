using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ServicePortal.Core.Hosting;

namespace ServicePortal.Host;

/// <summary>
/// Once the portal listens, tells the person who started it where it is and, in Development, what to try it
/// with (the demo agencies and whatever each module registered as a <see cref="StartupNotice"/>).
/// </summary>
internal sealed class StartupBanner(
    IHostApplicationLifetime lifetime,
    IServer server,
    IHostEnvironment environment,
    IConfiguration configuration,
    IEnumerable<StartupNotice> notices,
    ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Print);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Print()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        logger.LogInformation("ServicePortal listening on {Addresses}", string.Join(", ", addresses));
        if (!environment.IsDevelopment())
        {
            return;
        }

        var portal = addresses.FirstOrDefault() ?? "http://localhost:5000";
        var lines = new List<string>
        {
            "",
            "  ServicePortal is running",
            $"    Portal:       {portal}/",
            $"    Readiness:    {portal}/health/ready",
            $"    Metrics:      {portal}/metrics",
        };
        var agencies = configuration.GetSection("DemoAgencies").GetChildren().ToList();
        if (agencies.Count > 0)
        {
            lines.Add("  Demo agencies:");
            lines.AddRange(agencies.Select(a => $"    {a.Key,-6} {a.Value}"));
        }

        foreach (var notice in notices)
        {
            lines.Add($"  {notice.Title}:");
            lines.AddRange(notice.Lines.Select(line => "    " + line));
        }

        lines.Add("  Press Ctrl+C to stop (the embedded PostgreSQL stops too).");
        lines.Add("");
        Console.WriteLine(string.Join(Environment.NewLine, lines));
    }
}
