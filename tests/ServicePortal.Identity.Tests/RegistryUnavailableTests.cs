using System.Net;
using static ServicePortal.Identity.Tests.RegistrationSteps;

namespace ServicePortal.Identity.Tests;

/// <summary>The portal with the national ID registry stopped (a factory of its own, so other classes keep theirs).</summary>
public sealed class RegistryDownPortalFactory : RegistryPortalFactory
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await StopRegistryAsync();
    }
}

public sealed class RegistryUnavailableTests(RegistryDownPortalFactory portal) : IClassFixture<RegistryDownPortalFactory>
{
    [Fact]
    public async Task Registering_while_the_registry_is_down_asks_to_try_again_later_and_keeps_nothing()
    {
        using var browser = portal.CreateFormClient();

        var response = await browser.SubmitAsync("/account/register", Details(Person("Amina"), "0754 200 001"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Daftari la Utambulisho wa Taifa halipatikani kwa sasa", ErrorSummary(browser.LastPage), StringComparison.Ordinal);
        Assert.Contains("jaribu tena baadaye", ErrorSummary(browser.LastPage), StringComparison.Ordinal);
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.registrations"));
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.accounts"));
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM portal.outbox_messages"));
    }

    [Fact]
    public async Task The_message_is_in_English_when_English_was_chosen()
    {
        using var browser = portal.CreateFormClient();

        var response = await browser.SubmitAsync("/account/register?lang=en", Details(Person("Juma"), "0754 200 002"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The national ID register cannot be reached right now. Nothing was saved; please try again later.",
            ErrorSummary(browser.LastPage), StringComparison.Ordinal);
    }
}
