using System.Net;
using ServicePortal.Core.Security;
using static ServicePortal.Identity.Tests.RegistrationSteps;

namespace ServicePortal.Identity.Tests;

/// <summary>The portal with the registry, allowing the questions of two NINs per client network an hour.</summary>
public sealed class TwoQuestionNinsPerNetworkPortalFactory : RegistryPortalFactory
{
    public override async Task InitializeAsync()
    {
        With("Identity:Registration:AnswerNinsPerNetworkPerHour", "2");
        await base.InitializeAsync();
    }
}

/// <summary>
/// One network cannot try the registry's questions of many NINs (each NIN's own 6 answers a day would otherwise be
/// multiplied by every NIN on a list of stolen ID-card details). The test's browsers all come from 127.0.0.1.
/// </summary>
public sealed class RegistryAnswersPerNetworkTests(TwoQuestionNinsPerNetworkPortalFactory portal)
    : IClassFixture<TwoQuestionNinsPerNetworkPortalFactory>
{
    [Fact]
    public async Task A_network_that_answered_the_questions_of_two_NINs_wrongly_cannot_answer_a_thirds_this_hour()
    {
        // The registry checks the portal's assertions against real time, so this test cannot move the portal's clock to
        // the start of an hour; if the hour turns while it runs, the counts start again and it runs once more.
        for (var round = 1; ; round++)
        {
            var hour = AttemptLimits.WindowAt(TimeSpan.FromHours(1), portal.Clock.GetUtcNow());
            var refused = await TryAThirdNinAsync();
            if (AttemptLimits.WindowAt(TimeSpan.FromHours(1), portal.Clock.GetUtcNow()) != hour && round < 2)
            {
                continue;
            }

            Assert.True(refused, "the question of a third NIN was answered from the same network within the hour");
            break;
        }
    }

    private async Task<bool> TryAThirdNinAsync()
    {
        var amina = Person("Amina");
        using var first = portal.CreateFormClient();
        await first.SubmitAsync("/account/register", Details(amina));
        await first.SubmitAsync("/account/register/question", new Dictionary<string, string?> { ["Answer"] = "Lindi" });
        Assert.Contains("Jibu halilingani", first.LastPage, StringComparison.Ordinal);
        // Answering the same NIN's question again is not another NIN.
        await first.SubmitAsync("/account/register/question", new Dictionary<string, string?> { ["Answer"] = "Singida" });
        Assert.Contains("Jibu halilingani", first.LastPage, StringComparison.Ordinal);

        using (var second = portal.CreateFormClient())
        {
            await second.SubmitAsync("/account/register", Details(Person("Juma")));
            await second.SubmitAsync("/account/register/question", new Dictionary<string, string?> { ["Answer"] = "Lindi" });
            Assert.Contains("Jibu halilingani", second.LastPage, StringComparison.Ordinal);
        }

        var neema = Person("Neema");
        using var third = portal.CreateFormClient();
        await third.SubmitAsync("/account/register", Details(neema));
        await third.GetAsync("/account/register/question");
        var answer = AnswerTo(third.LastPage, neema);
        var refused = await third.SubmitAsync("/account/register/question", new Dictionary<string, string?> { ["Answer"] = answer });
        if (refused.StatusCode != HttpStatusCode.TooManyRequests)
        {
            return false;
        }

        Assert.Contains("mtandao", ErrorSummary(third.LastPage), StringComparison.Ordinal);
        // Nothing was spent: the registration waits, and the registry was not asked.
        Assert.Equal(1, await portal.CountAsync(
            "SELECT count(*) FROM identity.registrations WHERE nin = @nin AND registry_verified_at IS NULL",
            new { nin = new string([.. neema.Nin.Where(char.IsAsciiDigit)]) }));

        // A NIN whose question is answered rightly no longer counts against its network: then the third may go on.
        await first.GetAsync("/account/register/question");
        var proven = await first.SubmitAsync("/account/register/question",
            new Dictionary<string, string?> { ["Answer"] = AnswerTo(first.LastPage, amina) });
        Assert.Equal(HttpStatusCode.Redirect, proven.StatusCode);
        var answered = await third.SubmitAsync("/account/register/question", new Dictionary<string, string?> { ["Answer"] = answer });
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        Assert.StartsWith("/account/register/phone", answered.Headers.Location!.OriginalString, StringComparison.Ordinal);
        return true;
    }
}
