using System.Net;
using System.Text.Json;

namespace ServicePortal.Host.Tests;

/// <summary>PostgreSQL away for a moment: what needs it says "try again shortly" (503) in the caller's language, never a 500.</summary>
public sealed class DatabaseAwayTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = new();

    public Task InitializeAsync() => _portal.InitializeAsync();

    public async Task DisposeAsync()
    {
        await SetConnectionsAllowedAsync(true);
        await _portal.DisposeAsync();
    }

    [Fact]
    public async Task A_page_and_an_API_call_that_need_the_database_answer_503_while_it_is_away_and_work_when_it_is_back()
    {
        var (nin, _) = await _portal.CreateAccountAsync();
        using var browser = _portal.CreateFormClient();
        await browser.GetAsync("/account/sign-in");
        using var api = _portal.CreateClient();

        await SetConnectionsAllowedAsync(false);
        var page = await browser.SubmitLoadedFormAsync("/account/sign-in",
            new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = "Mti-Mrefu-Wa-Mwembe" });
        var pageText = browser.LastPage;
        var call = await api.GetAsync($"/api/catalog/services?q=kitu{Guid.NewGuid():N}"); // a search never made: the database, not the cache
        var problem = JsonDocument.Parse(await call.Content.ReadAsStringAsync()).RootElement;
        await SetConnectionsAllowedAsync(true);
        var again = await browser.SubmitAsync("/account/sign-in",
            new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = "Mti-Mrefu-Wa-Mwembe" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Equal("5", page.Headers.RetryAfter?.ToString());
        Assert.Contains("Huduma haipatikani kwa sasa", pageText, StringComparison.Ordinal);
        Assert.DoesNotContain("Npgsql", pageText, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, call.StatusCode);
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode); // back: the password step passes to the code step
    }

    private Task SetConnectionsAllowedAsync(bool allowed) => _portal.Database.SetConnectionsAllowedAsync(allowed);
}
