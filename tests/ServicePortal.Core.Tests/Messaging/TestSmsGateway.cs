using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ServicePortal.Core.Tests.Messaging;

/// <summary>
/// A bulk-SMS gateway on real Kestrel, 127.0.0.1 and a free port: records each request and answers with
/// <see cref="Status"/> (after <see cref="Delay"/>).
/// </summary>
public sealed class TestSmsGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestSmsGateway(WebApplication app) => _app = app;

    public HttpStatusCode Status { get; set; } = HttpStatusCode.Accepted;

    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    /// <summary>The send address the portal is configured with.</summary>
    public string Url { get; private set; } = "";

    public sealed record ReceivedRequest(string? Authorization, string? IdempotencyKey, string? ContentType, JsonElement Body);

    public static async Task<TestSmsGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var gateway = new TestSmsGateway(app);
        app.MapPost("/api/v1/messages", async (HttpRequest request) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            gateway.Received.Enqueue(new ReceivedRequest(request.Headers.Authorization, request.Headers["Idempotency-Key"],
                request.ContentType, body));
            try
            {
                await Task.Delay(gateway.Delay, request.HttpContext.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty; // the portal gave up waiting
            }

            return Results.Json(new { id = "gw-1", status = gateway.Status.ToString() }, statusCode: (int)gateway.Status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        gateway.Url = $"{address}/api/v1/messages";
        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
