using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ServicePortal.Host.Tests;

/// <summary>
/// Development: the one-time code is masked in the outbox once "sent", as everywhere, and the message viewer still
/// shows it (the development sender keeps what it sent in memory), so a person trying the demo can sign in.
/// </summary>
public sealed class DevelopmentMessagesTests(DevelopmentPortalFactory portal) : IClassFixture<DevelopmentPortalFactory>
{
    [Fact]
    public async Task The_viewer_shows_a_sent_code_the_outbox_keeps_only_masked()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        using var browser = portal.CreateFormClient();
        await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = "Mti-Mrefu-Wa-Mwembe" });

        // The development sender "sends" it at once; wait for the dispatcher to record it as sent.
        var kept = await Eventually.ValueAsync(() => portal.ScalarAsync<string?>(
                "SELECT body FROM portal.outbox_messages WHERE recipient = @phone AND sent_at IS NOT NULL ORDER BY id DESC LIMIT 1", new { phone }),
            body => body is not null, "the dispatcher to record the code as sent");

        using var viewer = JsonDocument.Parse(await browser.Http.GetStringAsync("/dev/messages.json"));
        var shown = viewer.RootElement.EnumerateArray().First(m => m.GetProperty("to").GetString() == phone).GetProperty("body").GetString()!;
        var code = Regex.Match(shown, @"\b\d{6}\b").Value;
        var page = await browser.Http.GetStringAsync("/dev/messages");
        var signedIn = await browser.SubmitAsync("/account/sign-in/code", new Dictionary<string, string?> { ["Code"] = code });

        Assert.NotNull(kept);
        Assert.DoesNotMatch(@"\d{6}", kept);
        Assert.Contains("******", kept, StringComparison.Ordinal);
        Assert.Equal(6, code.Length);
        Assert.Contains(code, page, StringComparison.Ordinal);
        Assert.Equal(code, await portal.LatestCodeAsync(phone));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }
}
