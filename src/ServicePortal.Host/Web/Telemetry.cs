using System.Net;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ServicePortal.Host.Web;

/// <summary>
/// OpenTelemetry metrics and traces. Metrics are scraped by Prometheus at <c>/metrics</c>, never published to
/// the internet (see <see cref="MayScrape"/>). Traces go to
/// an OTLP collector when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class Telemetry
{
    public const string MeterPrefix = "ServicePortal.";

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("ServicePortal",
                serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Npgsql")
                .AddMeter(MeterPrefix + "*")
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsOperational(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.WithTracing(tracing => tracing.AddOtlpExporter());
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapTelemetry(this IEndpointRouteBuilder endpoints)
    {
        var metricsPort = endpoints.ServiceProvider.GetRequiredService<IConfiguration>().GetValue<int?>("Telemetry:MetricsPort");
        endpoints.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null,
            configureBranchedPipeline: branch => branch.Use((context, next) =>
            {
                if (MayScrape(context.Connection, metricsPort))
                {
                    return next(context);
                }

                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }), optionsName: null);
        return endpoints;
    }

    /// <summary>
    /// With <c>Telemetry:MetricsPort</c> set (a port the load balancer does not publish, as in the Kubernetes
    /// files), metrics answer on that port only. Without it they answer loopback callers only.
    /// </summary>
    internal static bool MayScrape(ConnectionInfo connection, int? metricsPort) =>
        metricsPort is { } port
            ? connection.LocalPort == port
            : connection.RemoteIpAddress is null || IPAddress.IsLoopback(connection.RemoteIpAddress);

    private static bool IsOperational(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");
}
