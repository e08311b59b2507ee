using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ServicePortal.Host.Tests;

/// <summary>
/// The portal with one route that fails (<c>/boom</c>, <c>/api/boom</c>), to see what a person and a program get when
/// code breaks; every other request goes on as without it. The web shell's read-only tests share it (one host for
/// <see cref="WebShellTests"/>, <see cref="FooterPagesTests"/> and <see cref="ErrorPageTests"/>).
/// </summary>
public sealed class FailingPortalFactory : PortalFactory
{
    public const string SecretInException = "connection-string-password-in-exception";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, FailingRoute>());
    }

    private sealed class FailingRoute : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((context, rest) => context.Request.Path.StartsWithSegments("/api/boom") || context.Request.Path.StartsWithSegments("/boom")
                ? throw new InvalidOperationException(SecretInException)
                : rest(context));
        };
    }
}

/// <summary>The pages of the portal's shell read nothing but the host: one host for the classes of this collection.</summary>
[CollectionDefinition(Name)]
public sealed class WebShellCollection : ICollectionFixture<FailingPortalFactory>
{
    public const string Name = "web shell";
}

[Collection(WebShellCollection.Name)]
public sealed class ErrorPageTests(FailingPortalFactory portal)
{
    [Fact]
    public async Task A_failure_shows_a_localized_page_with_a_reference_and_no_stack_trace()
    {
        using var client = portal.CreateClient();

        var response = await client.GetAsync("/boom");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("Hitilafu imetokea", html, StringComparison.Ordinal);
        Assert.Contains("Namba ya kumbukumbu", html, StringComparison.Ordinal);
        Assert.DoesNotContain(FailingPortalFactory.SecretInException, html, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", html.Replace("Namba", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_API_call_gets_a_500_problem_with_no_detail_of_the_exception()
    {
        using var client = portal.CreateClient();

        var response = await client.PostAsync("/api/boom?lang=en", new StringContent("{}"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal("Something went wrong", problem.RootElement.GetProperty("title").GetString());
        Assert.DoesNotContain(FailingPortalFactory.SecretInException, body, StringComparison.Ordinal);
    }
}
