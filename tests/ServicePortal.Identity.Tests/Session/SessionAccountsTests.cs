using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ServicePortal.Identity.Session;

namespace ServicePortal.Identity.Tests.Session;

/// <summary>
/// Each node keeps a session's account for a few seconds instead of reading it on every request; a change
/// made anywhere (here: straight in the database, as another node would) still ends the session at once.
/// </summary>
public sealed class SessionAccountsTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    [Theory]
    [InlineData("UPDATE identity.accounts SET security_stamp = gen_random_uuid() WHERE id = @id")]
    [InlineData("DELETE FROM identity.accounts WHERE id = @id")]
    public async Task A_change_made_by_another_node_ends_a_cached_session_within_seconds(string change)
    {
        var (browser, id) = await SignedInAsync();
        using (browser)
        {
            await ExecuteAsync(change, id);

            await ServerSessionTests.AssertEndsAsync(browser, "/account");
        }
    }

    [Fact]
    public async Task A_cached_session_does_not_read_the_account_again_until_it_is_evicted()
    {
        var (browser, id) = await SignedInAsync();
        using (browser)
        {
            await ChangeStampSilentlyAsync(id);

            // Still signed in: the stamp was checked against this node's copy, not the database.
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);

            portal.Services.GetRequiredService<SessionAccounts>().Evict(id);
            var next = await browser.GetAsync("/account"); // at once: the very next request reads the account
            Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
            Assert.StartsWith("/account/sign-in", next.Headers.Location!.PathAndQuery(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_listener_clears_the_cache_when_it_reconnects()
    {
        var (browser, id) = await SignedInAsync();
        using (browser)
        {
            await ChangeStampSilentlyAsync(id); // a notification missed while the listener was away
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);

            await using (var connection = new NpgsqlConnection(portal.Database.ConnectionString))
            {
                var ended = await connection.ExecuteScalarAsync<int>(
                    """
                    SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                    WHERE datname = current_database() AND query = 'LISTEN ' || @channel
                    """, new { channel = SessionAccountListener.Channel });
                Assert.Equal(1, ended);
            }

            // It reconnects after a second and clears everything it holds.
            await ServerSessionTests.AssertEndsAsync(browser, "/account");
        }
    }

    [Fact]
    public async Task Notifies_only_the_changes_a_session_depends_on()
    {
        var quiet = await AccountIdAsync((await portal.CreateAccountAsync()).Nin);
        var loud = await AccountIdAsync((await portal.CreateAccountAsync()).Nin);
        await using var listener = new NpgsqlConnection(portal.Database.ConnectionString);
        await listener.OpenAsync();
        var heard = new List<string>();
        listener.Notification += (_, e) => heard.Add(e.Payload);
        await listener.ExecuteAsync($"LISTEN {SessionAccountListener.Channel}");

        await ExecuteAsync("UPDATE identity.accounts SET first_name = first_name, updated_at = now() WHERE id = @id", quiet);
        await ExecuteAsync("UPDATE identity.accounts SET failed_attempts = failed_attempts + 1 WHERE id = @id", quiet);
        await ExecuteAsync("UPDATE identity.accounts SET totp_last_step = 1 WHERE id = @id", quiet);
        await ExecuteAsync("UPDATE identity.accounts SET language = 'en' WHERE id = @id", loud);
        await ExecuteAsync("UPDATE identity.accounts SET locked_until = now() + interval '1 hour' WHERE id = @id", loud);
        await ExecuteAsync("UPDATE identity.accounts SET security_stamp = gen_random_uuid() WHERE id = @id", loud);
        while (await listener.WaitAsync(TimeSpan.FromMilliseconds(500)))
        {
        }

        Assert.Equal([loud.ToString(), loud.ToString(), loud.ToString()], heard);
    }

    private async Task<(FormClient Browser, Guid Id)> SignedInAsync()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        var browser = portal.CreateFormClient();
        await portal.SignInAsync(browser, nin, phone);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode); // now cached
        return (browser, await AccountIdAsync(nin));
    }

    private async Task<Guid> AccountIdAsync(string nin)
    {
        await using var connection = new NpgsqlConnection(portal.Database.ConnectionString);
        return await connection.ExecuteScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
    }

    private async Task ExecuteAsync(string sql, Guid id)
    {
        await using var connection = new NpgsqlConnection(portal.Database.ConnectionString);
        await connection.ExecuteAsync(sql, new { id });
    }

    /// <summary>A new stamp that no node hears about, as if its notification were lost.</summary>
    private async Task ChangeStampSilentlyAsync(Guid id)
    {
        await using var connection = new NpgsqlConnection(portal.Database.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("ALTER TABLE identity.accounts DISABLE TRIGGER accounts_changed", transaction: transaction);
        await connection.ExecuteAsync("UPDATE identity.accounts SET security_stamp = gen_random_uuid() WHERE id = @id", new { id }, transaction);
        await connection.ExecuteAsync("ALTER TABLE identity.accounts ENABLE TRIGGER accounts_changed", transaction: transaction);
        await transaction.CommitAsync();
    }
}
