using System.Net;

namespace ServicePortal.Host.Tests;

public sealed class HealthAndMetricsTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Live_answers_while_the_process_runs()
    {
        using var client = portal.CreateClient();

        var response = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_when_the_database_answers_and_every_migration_is_applied()
    {
        using var client = portal.CreateClient();

        var response = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_are_served_in_the_Prometheus_format_to_a_local_scraper()
    {
        using var client = portal.CreateClient();
        await client.GetAsync("/"); // something to count

        var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
    }
}

public sealed class MetricsPortPortalFactory : PortalFactory
{
    public MetricsPortPortalFactory() => With("Telemetry:MetricsPort", "9464");
}

public sealed class MetricsPortTests(MetricsPortPortalFactory portal) : IClassFixture<MetricsPortPortalFactory>
{
    [Fact]
    public async Task With_a_metrics_port_set_metrics_are_not_served_on_the_public_port()
    {
        using var client = portal.CreateClient();

        var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
