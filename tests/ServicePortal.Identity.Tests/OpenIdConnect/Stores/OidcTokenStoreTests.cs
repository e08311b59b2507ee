using System.Text.Json;
using OpenIddict.Abstractions;
using ServicePortal.Identity.OpenIdConnect.Stores;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ServicePortal.Identity.Tests.OpenIdConnect.Stores;

public sealed class OidcTokenStoreTests
{
    private const string Amina = "19900214-11111-00001-21";
    private const string Baraka = "19851120-22222-00002-12";

    [Fact]
    public async Task A_reference_token_is_found_by_its_reference_id_with_its_payload_and_the_id_is_stored_hashed()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        var nida = await oidc.CreateApplicationAsync("nida", "https://nida.go.tz/cb");
        var authorization = await oidc.CreateAuthorizationAsync(nida, Amina, Statuses.Valid, AuthorizationTypes.AdHoc);
        var created = DateTimeOffset.UtcNow;
        var descriptor = new OpenIddictTokenDescriptor
        {
            ApplicationId = nida.Id,
            AuthorizationId = authorization.Id,
            CreationDate = created,
            ExpirationDate = created.AddMinutes(10),
            Payload = "eyJhbGciOiJSUzI1NiJ9.protected-payload.sig",
            ReferenceId = "Yk7lQ3z2xG0rKkVn1bEo6wq3oX9vR8sTj5mN4pLcU2A",
            Status = Statuses.Valid,
            Subject = Amina,
            Type = TokenTypeHints.AccessToken,
        };
        descriptor.Properties["portal"] = JsonSerializer.SerializeToElement("sw");
        var token = (OidcToken)await oidc.Tokens.CreateAsync(descriptor);

        var found = (OidcToken?)await oidc.Tokens.FindByReferenceIdAsync("Yk7lQ3z2xG0rKkVn1bEo6wq3oX9vR8sTj5mN4pLcU2A");

        Assert.NotNull(found);
        Assert.Equal(token.Id, found.Id);
        var read = new OpenIddictTokenDescriptor();
        await oidc.Tokens.PopulateAsync(read, (await oidc.Store<IOpenIddictTokenStore<OidcToken>>().FindByIdAsync(token.Id!, default))!);
        Assert.Equal(descriptor.Payload, read.Payload);
        Assert.Equal(nida.Id, read.ApplicationId);
        Assert.Equal(authorization.Id, read.AuthorizationId);
        Assert.Equal(Amina, read.Subject);
        Assert.Equal(TokenTypeHints.AccessToken, read.Type);
        Assert.Equal(Statuses.Valid, read.Status);
        Assert.Equal("sw", read.Properties["portal"].GetString());
        // PostgreSQL keeps microseconds: the dates come back to the microsecond, in UTC.
        Assert.Equal(created.ToUnixTimeMilliseconds(), read.CreationDate!.Value.ToUnixTimeMilliseconds());
        Assert.Equal(TimeSpan.Zero, read.ExpirationDate!.Value.Offset);
        Assert.Equal(TimeSpan.FromMinutes(10), read.ExpirationDate.Value - read.CreationDate.Value);

        // OpenIddict's manager hashes reference ids before they reach the store, so the database never holds
        // the value a client presents.
        Assert.NotEqual(descriptor.ReferenceId, found.ReferenceId);
        Assert.Equal(0L, await oidc.ScalarAsync<long>(
            "SELECT count(*) FROM identity.oidc_tokens WHERE reference_id = @id", new { id = descriptor.ReferenceId }));
        Assert.Null(await oidc.Tokens.FindByReferenceIdAsync(found.ReferenceId!));
    }

    [Fact]
    public async Task A_refresh_token_is_redeemed_once_only_even_from_two_copies()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        var nida = await oidc.CreateApplicationAsync("nida", "https://nida.go.tz/cb");
        var token = await oidc.CreateTokenAsync(nida, null, Amina);
        var store = oidc.Store<IOpenIddictTokenStore<OidcToken>>();
        var first = (await store.FindByIdAsync(token.Id!, default))!;
        var second = (await store.FindByIdAsync(token.Id!, default))!;

        Assert.True(await oidc.Tokens.TryRedeemAsync(first));
        Assert.False(await oidc.Tokens.TryRedeemAsync(second));

        var stored = (await store.FindByIdAsync(token.Id!, default))!;
        Assert.Equal(Statuses.Redeemed, stored.Status);
        Assert.NotNull(stored.RedemptionDate);
        Assert.True(await oidc.Tokens.HasStatusAsync(stored, Statuses.Redeemed));
    }

    [Fact]
    public async Task Revoking_by_authorization_revokes_only_that_authorizations_tokens()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        var nida = await oidc.CreateApplicationAsync("nida", "https://nida.go.tz/cb");
        var revokedAuthorization = await oidc.CreateAuthorizationAsync(nida, Amina, Statuses.Valid, AuthorizationTypes.AdHoc);
        var otherAuthorization = await oidc.CreateAuthorizationAsync(nida, Amina, Statuses.Valid, AuthorizationTypes.AdHoc);
        var access = await oidc.CreateTokenAsync(nida, revokedAuthorization, Amina, type: TokenTypeHints.AccessToken);
        var refresh = await oidc.CreateTokenAsync(nida, revokedAuthorization, Amina);
        var redeemed = await oidc.CreateTokenAsync(nida, revokedAuthorization, Amina, Statuses.Redeemed);
        var other = await oidc.CreateTokenAsync(nida, otherAuthorization, Amina);

        Assert.Equal(3L, await oidc.Tokens.RevokeByAuthorizationIdAsync(revokedAuthorization.Id!));
        Assert.Equal(0L, await oidc.Tokens.RevokeByAuthorizationIdAsync(revokedAuthorization.Id!));

        var store = oidc.Store<IOpenIddictTokenStore<OidcToken>>();
        foreach (var token in new[] { access, refresh, redeemed })
        {
            Assert.Equal(Statuses.Revoked, (await store.FindByIdAsync(token.Id!, default))!.Status);
        }

        Assert.Equal(Statuses.Valid, (await store.FindByIdAsync(other.Id!, default))!.Status);
        Assert.Equal(3, await oidc.Tokens.FindByAuthorizationIdAsync(revokedAuthorization.Id!).CountAsync());
    }

    [Fact]
    public async Task A_token_read_before_its_revocation_can_neither_be_redeemed_nor_saved_over_it()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        var nida = await oidc.CreateApplicationAsync("nida", "https://nida.go.tz/cb");
        var authorization = await oidc.CreateAuthorizationAsync(nida, Amina, Statuses.Valid, AuthorizationTypes.AdHoc);
        var token = await oidc.CreateTokenAsync(nida, authorization, Amina);
        var store = oidc.Store<IOpenIddictTokenStore<OidcToken>>();
        var stale = (await store.FindByIdAsync(token.Id!, default))!;

        Assert.Equal(1L, await oidc.Tokens.RevokeBySubjectAsync(Amina));

        Assert.False(await oidc.Tokens.TryRedeemAsync(stale));
        await Assert.ThrowsAsync<OpenIddictExceptions.ConcurrencyException>(async () =>
            await oidc.Tokens.UpdateAsync(stale));
        Assert.Equal(Statuses.Revoked, (await store.FindByIdAsync(token.Id!, default))!.Status);
    }

    [Fact]
    public async Task Tokens_are_found_by_subject_application_status_and_type_and_revoked_by_the_same_criteria()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        var nida = await oidc.CreateApplicationAsync("nida", "https://nida.go.tz/cb");
        var tra = await oidc.CreateApplicationAsync("tra", "https://tra.go.tz/cb");
        var aminaNidaRefresh = await oidc.CreateTokenAsync(nida, null, Amina);
        var aminaNidaAccess = await oidc.CreateTokenAsync(nida, null, Amina, type: TokenTypeHints.AccessToken);
        var aminaNidaRedeemed = await oidc.CreateTokenAsync(nida, null, Amina, Statuses.Redeemed);
        var aminaTra = await oidc.CreateTokenAsync(tra, null, Amina);
        var barakaNida = await oidc.CreateTokenAsync(nida, null, Baraka);

        async Task<string?[]> FindAsync(string? subject, string? client, string? status, string? type) =>
            [.. (await oidc.Tokens.FindAsync(subject, client, status, type).ToListAsync())
                .Cast<OidcToken>().Select(t => t.Id).Order()];
        static string?[] Ids(params OidcToken[] tokens) => [.. tokens.Select(t => t.Id).Order()];

        Assert.Equal(Ids(aminaNidaRefresh), await FindAsync(Amina, nida.Id, Statuses.Valid, TokenTypeHints.RefreshToken));
        Assert.Equal(Ids(aminaNidaRefresh, aminaNidaAccess), await FindAsync(Amina, nida.Id, Statuses.Valid, null));
        Assert.Equal(Ids(aminaNidaRefresh, aminaNidaAccess, aminaNidaRedeemed), await FindAsync(Amina, nida.Id, null, null));
        Assert.Equal(Ids(aminaNidaRefresh, aminaNidaRedeemed, aminaTra), await FindAsync(Amina, null, null, TokenTypeHints.RefreshToken));
        Assert.Equal(Ids(aminaNidaRefresh, aminaNidaAccess, aminaNidaRedeemed, barakaNida), await FindAsync(null, nida.Id, null, null));
        Assert.Equal(4, await oidc.Tokens.FindBySubjectAsync(Amina).CountAsync());
        Assert.Equal(4, await oidc.Tokens.FindByApplicationIdAsync(nida.Id!).CountAsync());

        Assert.Equal(2L, await oidc.Tokens.RevokeAsync(Amina, nida.Id, Statuses.Valid, null));
        Assert.Equal(Ids(aminaTra, barakaNida), await FindAsync(null, null, Statuses.Valid, null));
        Assert.Equal(2L, await oidc.Tokens.RevokeByApplicationIdAsync(nida.Id!));
        Assert.Equal(Ids(aminaTra), await FindAsync(null, null, Statuses.Valid, null));
    }

    [Fact]
    public async Task Pruning_removes_tokens_no_longer_valid_expired_or_of_an_invalid_authorization_created_before_the_threshold()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        var nida = await oidc.CreateApplicationAsync("nida", "https://nida.go.tz/cb");
        var old = DateTimeOffset.UtcNow.AddDays(-30);
        var later = DateTimeOffset.UtcNow.AddDays(30);
        var validAuthorization = await oidc.CreateAuthorizationAsync(nida, Amina, Statuses.Valid, AuthorizationTypes.Permanent, old);
        var revokedAuthorization = await oidc.CreateAuthorizationAsync(nida, Amina, Statuses.Valid, AuthorizationTypes.Permanent, old);

        var oldRedeemed = await oidc.CreateTokenAsync(nida, validAuthorization, Amina, Statuses.Redeemed, old, later);
        var oldRevoked = await oidc.CreateTokenAsync(nida, null, Amina, Statuses.Revoked, old, later);
        var oldExpired = await oidc.CreateTokenAsync(nida, validAuthorization, Amina, Statuses.Valid, old, old.AddHours(1));
        var oldOfRevokedAuthorization = await oidc.CreateTokenAsync(nida, revokedAuthorization, Amina, Statuses.Valid, old, later);
        var oldValid = await oidc.CreateTokenAsync(nida, validAuthorization, Amina, Statuses.Valid, old, later);
        var oldInactive = await oidc.CreateTokenAsync(nida, null, Amina, Statuses.Inactive, old, later);
        var recentRevoked = await oidc.CreateTokenAsync(nida, null, Amina, Statuses.Revoked);
        var recentExpired = await oidc.CreateTokenAsync(nida, null, Amina, Statuses.Valid,
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.True(await oidc.Authorizations.TryRevokeAsync(revokedAuthorization));

        var pruned = await oidc.Tokens.PruneAsync(DateTimeOffset.UtcNow.AddDays(-14));

        Assert.Equal(4L, pruned);
        var left = await oidc.Tokens.ListAsync().Select(t => ((OidcToken)t).Id).ToListAsync();
        Assert.Equal(new[] { oldValid, oldInactive, recentRevoked, recentExpired }.Select(t => t.Id).Order(), left.Order());
        Assert.DoesNotContain(oldRedeemed.Id, left);
        Assert.DoesNotContain(oldRevoked.Id, left);
        Assert.DoesNotContain(oldExpired.Id, left);
        Assert.DoesNotContain(oldOfRevokedAuthorization.Id, left);
    }

    [Fact]
    public async Task Pruning_works_through_many_batches_until_nothing_is_left()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        var nida = await oidc.CreateApplicationAsync("nida", "https://nida.go.tz/cb");
        await oidc.CreateTokenAsync(nida, null, Amina);
        // More rows than one batch deletes (1,000), written in one statement.
        await oidc.ScalarAsync<int>("""
            INSERT INTO identity.oidc_tokens (id, application_id, concurrency_token, creation_date, expiration_date,
                status, subject, type)
            SELECT gen_random_uuid(), @application, 'x', now() - interval '30 days', now() - interval '29 days',
                'valid', 'someone-' || n, 'refresh_token'
            FROM generate_series(1, 2500) AS n
            RETURNING 0
            """, new { application = Guid.Parse(nida.Id!) });

        Assert.Equal(2501L, await oidc.Tokens.CountAsync());
        Assert.Equal(2500L, await oidc.Tokens.PruneAsync(DateTimeOffset.UtcNow.AddDays(-14)));
        Assert.Equal(1L, await oidc.Tokens.CountAsync());
    }
}
