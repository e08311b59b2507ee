using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using ServicePortal.Identity.OpenIdConnect.Stores;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ServicePortal.Identity.Tests.OpenIdConnect.Stores;

public sealed class OidcApplicationStoreTests
{
    private static readonly CultureInfo Swahili = CultureInfo.GetCultureInfo("sw");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    [Fact]
    public async Task An_application_created_from_a_descriptor_keeps_every_field_and_only_a_hash_of_its_secret()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        using var rsa = RSA.Create(2048);
        var key = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "k1" });
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ApplicationType = ApplicationTypes.Web,
            ClientId = "rita-portal",
            ClientSecret = "s3cret-rita",
            ClientType = ClientTypes.Confidential,
            ConsentType = ConsentTypes.Explicit,
            DisplayName = "RITA",
            JsonWebKeySet = new JsonWebKeySet { Keys = { key } },
            RedirectUris = { new Uri("https://rita.go.tz/signin-oidc"), new Uri("https://rita.go.tz/app/callback") },
            PostLogoutRedirectUris = { new Uri("https://rita.go.tz/signout-callback-oidc") },
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token,
                Permissions.GrantTypes.AuthorizationCode, Permissions.ResponseTypes.Code, Permissions.Scopes.Profile,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
            Settings = { [Settings.TokenLifetimes.AccessToken] = "00:10:00" },
        };
        descriptor.DisplayNames[Swahili] = "Wakala wa Usajili, Ufilisi na Udhamini";
        descriptor.DisplayNames[English] = "Registration, Insolvency and Trusteeship Agency";
        descriptor.Properties["agency"] = JsonSerializer.SerializeToElement(new { code = "rita", tier = 2 });

        var created = (OidcApplication)await oidc.Applications.CreateAsync(descriptor);

        // Read back through the store, not the manager's cache: what came back is what PostgreSQL holds.
        var stored = await oidc.Store<IOpenIddictApplicationStore<OidcApplication>>()
            .FindByClientIdAsync("rita-portal", default);
        Assert.NotNull(stored);
        Assert.Equal(created.Id, stored.Id);
        var read = new OpenIddictApplicationDescriptor();
        await oidc.Applications.PopulateAsync(read, stored);
        Assert.Equal(ApplicationTypes.Web, read.ApplicationType);
        Assert.Equal(ClientTypes.Confidential, read.ClientType);
        Assert.Equal(ConsentTypes.Explicit, read.ConsentType);
        Assert.Equal("RITA", read.DisplayName);
        Assert.Equal(descriptor.RedirectUris.OrderBy(u => u.ToString()), read.RedirectUris.OrderBy(u => u.ToString()));
        Assert.Equal(descriptor.PostLogoutRedirectUris, read.PostLogoutRedirectUris);
        Assert.Equal(descriptor.Permissions.Order(), read.Permissions.Order());
        Assert.Equal(descriptor.Requirements, read.Requirements);
        Assert.Equal("00:10:00", read.Settings[Settings.TokenLifetimes.AccessToken]);
        Assert.Equal("Wakala wa Usajili, Ufilisi na Udhamini", read.DisplayNames[Swahili]);
        Assert.Equal("Registration, Insolvency and Trusteeship Agency", read.DisplayNames[English]);
        Assert.Equal("rita", read.Properties["agency"].GetProperty("code").GetString());
        Assert.Equal(2, read.Properties["agency"].GetProperty("tier").GetInt32());
        Assert.Equal("k1", Assert.Single(read.JsonWebKeySet!.Keys).Kid);
        Assert.Equal(key.N, read.JsonWebKeySet.Keys[0].N);
        Assert.True(await oidc.Applications.HasRequirementAsync(stored, Requirements.Features.ProofKeyForCodeExchange));

        Assert.NotEqual("s3cret-rita", stored.ClientSecret);
        Assert.Equal(0L, await oidc.ScalarAsync<long>(
            "SELECT count(*) FROM identity.oidc_applications WHERE client_secret LIKE '%s3cret-rita%'"));
        Assert.True(await oidc.Applications.ValidateClientSecretAsync(stored, "s3cret-rita"));
        Assert.False(await oidc.Applications.ValidateClientSecretAsync(stored, "s3cret-RITA"));
    }

    [Fact]
    public async Task Applications_are_found_by_an_exact_redirect_uri_or_post_logout_redirect_uri()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        var nida = await oidc.CreateApplicationAsync("nida", "https://nida.go.tz/callback", "https://nida.go.tz/m/callback");
        var tra = await oidc.CreateApplicationAsync("tra", "https://tra.go.tz/callback");
        await oidc.Applications.UpdateAsync(tra, new OpenIddictApplicationDescriptor
        {
            ClientId = "tra",
            ClientType = ClientTypes.Public,
            RedirectUris = { new Uri("https://tra.go.tz/callback") },
            PostLogoutRedirectUris = { new Uri("https://tra.go.tz/bye") },
        });

        Assert.Equal(nida.Id, await SingleIdAsync(oidc.Applications.FindByRedirectUriAsync("https://nida.go.tz/m/callback")));
        Assert.Equal(tra.Id, await SingleIdAsync(oidc.Applications.FindByRedirectUriAsync("https://tra.go.tz/callback")));
        Assert.Equal(tra.Id, await SingleIdAsync(oidc.Applications.FindByPostLogoutRedirectUriAsync("https://tra.go.tz/bye")));

        // Exact, case-sensitive: no prefix, no trailing slash, no other case, no redirect URI as logout URI.
        Assert.Empty(await oidc.Applications.FindByRedirectUriAsync("https://nida.go.tz/CALLBACK").ToListAsync());
        Assert.Empty(await oidc.Applications.FindByRedirectUriAsync("https://nida.go.tz/callback/").ToListAsync());
        Assert.Empty(await oidc.Applications.FindByRedirectUriAsync("https://nida.go.tz/").ToListAsync());
        Assert.Empty(await oidc.Applications.FindByPostLogoutRedirectUriAsync("https://tra.go.tz/callback").ToListAsync());
    }

    [Fact]
    public async Task Saving_an_application_read_before_another_save_fails_with_a_concurrency_exception()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        await oidc.CreateApplicationAsync("brela", "https://brela.go.tz/callback");
        var store = oidc.Store<IOpenIddictApplicationStore<OidcApplication>>();
        var first = (await store.FindByClientIdAsync("brela", default))!;
        var second = (await store.FindByClientIdAsync("brela", default))!;

        await oidc.Applications.UpdateAsync(first, new OpenIddictApplicationDescriptor
        {
            ClientId = "brela", ClientType = ClientTypes.Public, DisplayName = "BRELA (first)",
            RedirectUris = { new Uri("https://brela.go.tz/callback") },
        });
        await Assert.ThrowsAsync<OpenIddictExceptions.ConcurrencyException>(async () =>
            await oidc.Applications.UpdateAsync(second, new OpenIddictApplicationDescriptor
            {
                ClientId = "brela", ClientType = ClientTypes.Public, DisplayName = "BRELA (second)",
                RedirectUris = { new Uri("https://brela.go.tz/callback") },
            }));
        await Assert.ThrowsAsync<OpenIddictExceptions.ConcurrencyException>(async () =>
            await oidc.Applications.DeleteAsync(second));

        Assert.Equal("BRELA (first)", (await store.FindByClientIdAsync("brela", default))!.DisplayName);
        // The instance that won carries the new token and can be saved again.
        await oidc.Applications.UpdateAsync(first, new OpenIddictApplicationDescriptor
        {
            ClientId = "brela", ClientType = ClientTypes.Public, DisplayName = "BRELA (again)",
            RedirectUris = { new Uri("https://brela.go.tz/callback") },
        });
        Assert.Equal("BRELA (again)", (await store.FindByClientIdAsync("brela", default))!.DisplayName);
    }

    [Fact]
    public async Task Deleting_an_application_removes_its_tokens_and_authorizations()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        var doomed = await oidc.CreateApplicationAsync("doomed", "https://doomed.example/cb");
        var kept = await oidc.CreateApplicationAsync("kept", "https://kept.example/cb");
        var authorization = await oidc.CreateAuthorizationAsync(doomed, "19800101-00001-00001-11", Statuses.Valid,
            AuthorizationTypes.Permanent, scopes: Scopes.OpenId);
        await oidc.CreateTokenAsync(doomed, authorization, "19800101-00001-00001-11");
        await oidc.CreateTokenAsync(doomed, authorization: null, "19800101-00001-00001-11");
        var keptAuthorization = await oidc.CreateAuthorizationAsync(kept, "19800101-00001-00001-11", Statuses.Valid,
            AuthorizationTypes.Permanent, scopes: Scopes.OpenId);
        await oidc.CreateTokenAsync(kept, keptAuthorization, "19800101-00001-00001-11");

        await oidc.Applications.DeleteAsync(doomed);

        Assert.Null(await oidc.Applications.FindByClientIdAsync("doomed"));
        Assert.Null(await oidc.Store<IOpenIddictAuthorizationStore<OidcAuthorization>>().FindByIdAsync(authorization.Id!, default));
        Assert.Empty(await oidc.Tokens.FindByApplicationIdAsync(doomed.Id!).ToListAsync());
        Assert.Equal(1L, await oidc.Authorizations.CountAsync());
        Assert.Equal(1L, await oidc.Tokens.CountAsync());
        Assert.Single(await oidc.Tokens.FindByAuthorizationIdAsync(keptAuthorization.Id!).ToListAsync());
    }

    [Fact]
    public async Task Applications_are_listed_in_pages_and_queried_with_linq_in_memory()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        foreach (var clientId in new[] { "a-app", "b-app", "c-app", "d-app" })
        {
            await oidc.CreateApplicationAsync(clientId, $"https://{clientId}.example/cb");
        }

        Assert.Equal(4L, await oidc.Applications.CountAsync());
        var all = await oidc.Applications.ListAsync().Select(a => ((OidcApplication)a).Id).ToListAsync();
        var page = await oidc.Applications.ListAsync(2, 1).Select(a => ((OidcApplication)a).Id).ToListAsync();
        Assert.Equal(4, all.Count);
        Assert.Equal(all.Skip(1).Take(2), page);

        Assert.Equal(2L, await oidc.Applications.CountAsync(query =>
            query.OfType<OidcApplication>().Where(a => string.CompareOrdinal(a.ClientId, "c") > 0)));
        var clientIds = await oidc.Applications.ListAsync(query =>
            query.OfType<OidcApplication>().OrderByDescending(a => a.ClientId).Select(a => a.ClientId)).ToListAsync();
        Assert.Equal(["d-app", "c-app", "b-app", "a-app"], clientIds);
        var store = oidc.Store<IOpenIddictApplicationStore<OidcApplication>>();
        Assert.Equal("b-app", await store.GetAsync((query, id) => query.Where(a => a.ClientId == id).Select(a => a.ClientId),
            "b-app", default));
    }

    [Fact]
    public async Task An_identifier_that_is_no_uuid_finds_nothing_rather_than_failing()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        await oidc.CreateApplicationAsync("any", "https://any.example/cb");

        Assert.Null(await oidc.Applications.FindByIdAsync("not-a-uuid"));
        Assert.Null(await oidc.Authorizations.FindByIdAsync("not-a-uuid"));
        Assert.Null(await oidc.Scopes.FindByIdAsync("not-a-uuid"));
        Assert.Null(await oidc.Tokens.FindByIdAsync("not-a-uuid"));
        Assert.Empty(await oidc.Tokens.FindByApplicationIdAsync("not-a-uuid").ToListAsync());
        Assert.Empty(await oidc.Authorizations.FindAsync("someone", "not-a-uuid", null, null, null).ToListAsync());
    }

    private static async Task<string?> SingleIdAsync(IAsyncEnumerable<object> applications) =>
        ((OidcApplication)Assert.Single(await applications.ToListAsync())).Id;
}
