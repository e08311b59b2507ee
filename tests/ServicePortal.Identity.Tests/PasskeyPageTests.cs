using System.Net;
using ServicePortal.Identity.Passkeys;

namespace ServicePortal.Identity.Tests;

/// <summary>Removing a passkey: only one's own, only after a recent sign-in, texted to the phone.</summary>
public sealed class PasskeyPageTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    [Fact]
    public async Task A_passkey_is_removed_only_with_a_recent_sign_in_and_the_phone_is_texted()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        var id = await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
        var (otherNin, _) = await portal.CreateAccountAsync();
        var otherId = await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @otherNin", new { otherNin });
        var mine = await AddPasskeyAsync(id);
        var theirs = await AddPasskeyAsync(otherId);
        using var browser = portal.CreateFormClient();
        await portal.SignInAsync(browser, nin, phone);

        // Another account's passkey is not named by this page: nothing happens.
        await browser.SubmitAsync("/account/passkeys?handler=Remove", new Dictionary<string, string?> { ["Key"] = theirs }, "/account/passkeys");
        Assert.Equal(1, await portal.CountAsync("SELECT count(*) FROM identity.passkeys WHERE account_id = @otherId", new { otherId }));

        // Six minutes later, the sign-in is not recent: sign in again first.
        portal.Clock.Advance(TimeSpan.FromMinutes(6));
        var late = await browser.SubmitAsync("/account/passkeys?handler=Remove", new Dictionary<string, string?> { ["Key"] = mine }, "/account");
        Assert.StartsWith("/account/sign-in", late.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(1, await portal.CountAsync("SELECT count(*) FROM identity.passkeys WHERE account_id = @id", new { id }));

        using var again = portal.CreateFormClient();
        await portal.SignInAsync(again, nin, phone);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/account/passkeys")).StatusCode);
        Assert.Contains("Simu ya zamani", again.LastPage, StringComparison.Ordinal);
        var removed = await again.SubmitLoadedFormAsync("/account/passkeys?handler=Remove", new Dictionary<string, string?> { ["Key"] = mine });
        Assert.Equal("/account/passkeys?done=removed", removed.Headers.Location!.OriginalString);
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.passkeys WHERE account_id = @id", new { id }));
        Assert.Equal(1, await portal.CountAsync(
            "SELECT count(*) FROM portal.outbox_messages WHERE recipient = @phone AND purpose = 'identity.security_change'", new { phone }));
    }

    private async Task<string> AddPasskeyAsync(Guid accountId)
    {
        var credentialId = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        await portal.ExecuteAsync(
            """
            INSERT INTO identity.passkeys (credential_id, account_id, public_key, sign_count, user_handle, name, created_at)
            VALUES (@credentialId, @accountId, '\x00'::bytea, 0, '\x00'::bytea, 'Simu ya zamani', now())
            """, new { credentialId, accountId });
        return StoredPasskey.Base64Url(credentialId);
    }
}
