using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ServicePortal.Identity.OpenIdConnect;

namespace ServicePortal.Identity.Tests.OpenIdConnect;

public sealed class KeyRingTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    private async Task<List<string>> PublishedKeyIdsAsync()
    {
        using var http = portal.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        using var jwks = JsonDocument.Parse(await http.GetStringAsync("/.well-known/jwks"));
        return [.. jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    [Fact]
    public async Task Keys_are_generated_at_first_start_kept_protected_and_published()
    {
        var published = await PublishedKeyIdsAsync();

        await using var connection = new NpgsqlConnection(portal.Database.ConnectionString);
        var rows = (await connection.QueryAsync<(string Id, string Use, string Certificate)>(
            "SELECT id, use, certificate FROM identity.keys")).ToList();
        Assert.Contains(rows, r => r.Use == "sig");
        Assert.Contains(rows, r => r.Use == "enc");
        Assert.All(rows.Where(r => r.Use == "sig"), r => Assert.Contains(r.Id, published));
        // Stored protected: not a bare PKCS#12 (which starts with 0x30 0x82, "MII" in base64).
        Assert.All(rows, r => Assert.False(r.Certificate.StartsWith("MII", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_key_near_retirement_gets_a_successor_published_ahead_and_the_old_one_stays_published()
    {
        var before = await PublishedKeyIdsAsync();
        await using (var connection = new NpgsqlConnection(portal.Database.ConnectionString))
        {
            // Pretend the current keys were made long ago and retire in three days.
            await connection.ExecuteAsync(
                "UPDATE identity.keys SET activates_at = now() - interval '87 days', retires_at = now() + interval '3 days'");
        }

        var ring = portal.Services.GetRequiredService<KeyRing>();
        Assert.True(await ring.RotateAsync(CancellationToken.None));
        ring.SignalChanged();

        await using var check = new NpgsqlConnection(portal.Database.ConnectionString);
        var successors = await check.QueryAsync<(string Id, DateTime ActivatesAt)>(
            "SELECT id, activates_at FROM identity.keys WHERE use = 'sig' AND activates_at > now()");
        var successor = Assert.Single(successors);
        Assert.InRange(successor.ActivatesAt, DateTime.UtcNow.AddDays(0.5), DateTime.UtcNow.AddDays(3));
        var after = await PublishedKeyIdsAsync();
        Assert.Contains(successor.Id, after);
        Assert.All(before, id => Assert.Contains(id, after));

        // A second rotation the same hour changes nothing.
        Assert.False(await ring.RotateAsync(CancellationToken.None));
    }
}
