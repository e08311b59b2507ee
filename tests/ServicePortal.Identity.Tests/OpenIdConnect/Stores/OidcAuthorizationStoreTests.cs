using OpenIddict.Abstractions;
using ServicePortal.Identity.OpenIdConnect.Stores;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ServicePortal.Identity.Tests.OpenIdConnect.Stores;

public sealed class OidcAuthorizationStoreTests
{
    private const string Amina = "19900214-11111-00001-21";
    private const string Baraka = "19851120-22222-00002-12";

    [Fact]
    public async Task Authorizations_are_found_by_subject_client_status_type_and_the_scopes_they_must_all_grant()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        var nida = await oidc.CreateApplicationAsync("nida", "https://nida.go.tz/cb");
        var tra = await oidc.CreateApplicationAsync("tra", "https://tra.go.tz/cb");
        var consent = await oidc.CreateAuthorizationAsync(nida, Amina, Statuses.Valid, AuthorizationTypes.Permanent,
            scopes: [Scopes.OpenId, Scopes.Profile, Scopes.Email]);
        var revoked = await oidc.CreateAuthorizationAsync(nida, Amina, Statuses.Revoked, AuthorizationTypes.Permanent,
            scopes: [Scopes.OpenId, Scopes.Profile]);
        var adHoc = await oidc.CreateAuthorizationAsync(nida, Amina, Statuses.Valid, AuthorizationTypes.AdHoc,
            scopes: [Scopes.OpenId]);
        var otherClient = await oidc.CreateAuthorizationAsync(tra, Amina, Statuses.Valid, AuthorizationTypes.Permanent,
            scopes: [Scopes.OpenId, Scopes.Profile]);
        var otherSubject = await oidc.CreateAuthorizationAsync(nida, Baraka, Statuses.Valid,
            AuthorizationTypes.Permanent, scopes: [Scopes.OpenId, Scopes.Profile, Scopes.Email]);

        async Task<string?[]> FindAsync(string? subject, string? client, string? status, string? type, params string[]? scopes)
        {
            var found = await oidc.Authorizations.FindAsync(subject, client, status, type,
                scopes is null ? null : [.. scopes]).ToListAsync();
            return [.. found.Cast<OidcAuthorization>().Select(a => a.Id).Order()];
        }

        static string?[] Ids(params OidcAuthorization[] authorizations) =>
            [.. authorizations.Select(a => a.Id).Order()];

        // The sign-in's consent check: everything given, the requested scopes a subset of the granted ones.
        Assert.Equal(Ids(consent), await FindAsync(Amina, nida.Id, Statuses.Valid, AuthorizationTypes.Permanent,
            Scopes.OpenId, Scopes.Profile));
        Assert.Equal(Ids(consent), await FindAsync(Amina, nida.Id, Statuses.Valid, AuthorizationTypes.Permanent,
            Scopes.Email, Scopes.OpenId, Scopes.Profile));
        Assert.Empty(await FindAsync(Amina, nida.Id, Statuses.Valid, AuthorizationTypes.Permanent,
            Scopes.OpenId, Scopes.Phone));
        // Scopes left out or empty: no condition on scopes.
        Assert.Equal(Ids(consent, revoked), await FindAsync(Amina, nida.Id, null, AuthorizationTypes.Permanent, null));
        Assert.Equal(Ids(consent, adHoc), await FindAsync(Amina, nida.Id, Statuses.Valid, null, []));
        // Every criterion is optional.
        Assert.Equal(Ids(consent, revoked, adHoc), await FindAsync(Amina, nida.Id, null, null, null));
        Assert.Equal(Ids(consent, revoked, adHoc, otherClient), await FindAsync(Amina, null, null, null, null));
        Assert.Equal(Ids(consent, otherSubject), await FindAsync(null, nida.Id, Statuses.Valid,
            AuthorizationTypes.Permanent, Scopes.Email));
        Assert.Equal(Ids(consent, revoked, adHoc, otherClient, otherSubject), await FindAsync("", "", "", "", null));

        Assert.Equal(4, await oidc.Authorizations.FindByApplicationIdAsync(nida.Id!).CountAsync());
        Assert.Equal(4, await oidc.Authorizations.FindBySubjectAsync(Amina).CountAsync());
        var read = (OidcAuthorization)(await oidc.Authorizations.FindByIdAsync(consent.Id!))!;
        Assert.Equal(nida.Id, await oidc.Authorizations.GetApplicationIdAsync(read));
        Assert.Equal([Scopes.Email, Scopes.OpenId, Scopes.Profile], (await oidc.Authorizations.GetScopesAsync(read)).Order());
    }

    [Fact]
    public async Task Revoking_marks_only_the_matching_authorizations_and_counts_them()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        var nida = await oidc.CreateApplicationAsync("nida", "https://nida.go.tz/cb");
        var tra = await oidc.CreateApplicationAsync("tra", "https://tra.go.tz/cb");
        var aminaNida = await oidc.CreateAuthorizationAsync(nida, Amina, Statuses.Valid, AuthorizationTypes.Permanent);
        var aminaTra = await oidc.CreateAuthorizationAsync(tra, Amina, Statuses.Valid, AuthorizationTypes.Permanent);
        var barakaNida = await oidc.CreateAuthorizationAsync(nida, Baraka, Statuses.Valid, AuthorizationTypes.Permanent);
        var barakaTra = await oidc.CreateAuthorizationAsync(tra, Baraka, Statuses.Valid, AuthorizationTypes.AdHoc);

        Assert.Equal(2L, await oidc.Authorizations.RevokeBySubjectAsync(Amina));
        Assert.Equal(0L, await oidc.Authorizations.RevokeBySubjectAsync(Amina));
        Assert.Equal(1L, await oidc.Authorizations.RevokeByApplicationIdAsync(nida.Id!));
        Assert.Equal(0L, await oidc.Authorizations.RevokeAsync(Baraka, tra.Id, null, AuthorizationTypes.Permanent));

        var store = oidc.Store<IOpenIddictAuthorizationStore<OidcAuthorization>>();
        async Task<string?> StatusAsync(OidcAuthorization authorization) =>
            (await store.FindByIdAsync(authorization.Id!, default))!.Status;
        Assert.Equal(Statuses.Revoked, await StatusAsync(aminaNida));
        Assert.Equal(Statuses.Revoked, await StatusAsync(aminaTra));
        Assert.Equal(Statuses.Revoked, await StatusAsync(barakaNida));
        Assert.Equal(Statuses.Valid, await StatusAsync(barakaTra));

        var fresh = (await store.FindByIdAsync(barakaTra.Id!, default))!;
        Assert.True(await oidc.Authorizations.TryRevokeAsync(fresh));
        Assert.Equal(Statuses.Revoked, await StatusAsync(barakaTra));
    }

    [Fact]
    public async Task A_copy_read_before_a_bulk_revocation_cannot_be_saved_over_it()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        var nida = await oidc.CreateApplicationAsync("nida", "https://nida.go.tz/cb");
        var authorization = await oidc.CreateAuthorizationAsync(nida, Amina, Statuses.Valid, AuthorizationTypes.Permanent);
        var stale = (await oidc.Store<IOpenIddictAuthorizationStore<OidcAuthorization>>()
            .FindByIdAsync(authorization.Id!, default))!;

        await oidc.Authorizations.RevokeBySubjectAsync(Amina);

        await Assert.ThrowsAsync<OpenIddictExceptions.ConcurrencyException>(async () =>
            await oidc.Authorizations.UpdateAsync(stale));
        Assert.Equal(Statuses.Revoked, (await oidc.Store<IOpenIddictAuthorizationStore<OidcAuthorization>>()
            .FindByIdAsync(authorization.Id!, default))!.Status);
    }

    [Fact]
    public async Task Pruning_removes_invalid_authorizations_and_ad_hoc_ones_without_tokens_created_before_the_threshold()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        var nida = await oidc.CreateApplicationAsync("nida", "https://nida.go.tz/cb");
        var old = DateTimeOffset.UtcNow.AddDays(-30);
        var oldRevoked = await oidc.CreateAuthorizationAsync(nida, Amina, Statuses.Revoked, AuthorizationTypes.Permanent, old);
        var oldAdHocWithoutTokens = await oidc.CreateAuthorizationAsync(nida, Amina, Statuses.Valid, AuthorizationTypes.AdHoc, old);
        var oldAdHocWithToken = await oidc.CreateAuthorizationAsync(nida, Amina, Statuses.Valid, AuthorizationTypes.AdHoc, old);
        await oidc.CreateTokenAsync(nida, oldAdHocWithToken, Amina);
        var oldPermanent = await oidc.CreateAuthorizationAsync(nida, Amina, Statuses.Valid, AuthorizationTypes.Permanent, old);
        var recentRevoked = await oidc.CreateAuthorizationAsync(nida, Amina, Statuses.Revoked, AuthorizationTypes.Permanent);
        var recentAdHoc = await oidc.CreateAuthorizationAsync(nida, Amina, Statuses.Valid, AuthorizationTypes.AdHoc);
        var oldRevokedWithToken = await oidc.CreateAuthorizationAsync(nida, Baraka, Statuses.Revoked, AuthorizationTypes.AdHoc, old);
        await oidc.CreateTokenAsync(nida, oldRevokedWithToken, Baraka);

        var pruned = await oidc.Authorizations.PruneAsync(DateTimeOffset.UtcNow.AddDays(-14));

        Assert.Equal(3L, pruned);
        var left = await oidc.Authorizations.ListAsync().Select(a => ((OidcAuthorization)a).Id).ToListAsync();
        Assert.Equal(new[] { oldAdHocWithToken, oldPermanent, recentRevoked, recentAdHoc }.Select(a => a.Id).Order(),
            left.Order());
        Assert.DoesNotContain(oldRevoked.Id, left);
        Assert.DoesNotContain(oldAdHocWithoutTokens.Id, left);
        // The tokens of a pruned authorization go with it.
        Assert.Empty(await oidc.Tokens.FindBySubjectAsync(Baraka).ToListAsync());
        Assert.Equal(0L, await oidc.Authorizations.PruneAsync(DateTimeOffset.UtcNow.AddDays(-14)));
    }

    [Fact]
    public async Task The_iqueryable_methods_refuse_with_a_clear_message()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();

        var error = await Assert.ThrowsAsync<NotSupportedException>(async () =>
            await oidc.Authorizations.CountAsync(query => query.OfType<OidcAuthorization>()));
        Assert.Contains("IQueryable", error.Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() =>
            oidc.Store<IOpenIddictTokenStore<OidcToken>>().ListAsync((query, _) => query, 0, default));
    }
}
