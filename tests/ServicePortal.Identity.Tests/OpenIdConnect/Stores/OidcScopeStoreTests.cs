using System.Globalization;
using OpenIddict.Abstractions;
using ServicePortal.Identity.OpenIdConnect.Stores;

namespace ServicePortal.Identity.Tests.OpenIdConnect.Stores;

public sealed class OidcScopeStoreTests
{
    [Fact]
    public async Task Scopes_are_found_by_name_by_names_and_by_resource_and_keep_texts_in_both_languages()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        var swahili = CultureInfo.GetCultureInfo("sw");
        var english = CultureInfo.GetCultureInfo("en");
        var descriptor = new OpenIddictScopeDescriptor
        {
            Name = "nida.identity",
            DisplayName = "NIDA identity",
            Description = "Your national identity record",
            Resources = { "nida-api", "portal-api" },
        };
        descriptor.DisplayNames[swahili] = "Utambulisho wa NIDA";
        descriptor.DisplayNames[english] = "NIDA identity";
        descriptor.Descriptions[swahili] = "Taarifa zako za utambulisho wa taifa";
        descriptor.Descriptions[english] = "Your national identity record";
        var nida = (OidcScope)await oidc.Scopes.CreateAsync(descriptor);
        var tra = (OidcScope)await oidc.Scopes.CreateAsync(new OpenIddictScopeDescriptor
        {
            Name = "tra.tin", Resources = { "tra-api", "portal-api" },
        });
        await oidc.Scopes.CreateAsync(new OpenIddictScopeDescriptor { Name = "rita.births", Resources = { "rita-api" } });

        Assert.Equal(nida.Id, ((OidcScope?)await oidc.Scopes.FindByNameAsync("nida.identity"))?.Id);
        Assert.Null(await oidc.Scopes.FindByNameAsync("NIDA.identity"));
        var byNames = await oidc.Scopes.FindByNamesAsync(["nida.identity", "tra.tin", "unknown"]).ToListAsync();
        Assert.Equal(new[] { nida.Id, tra.Id }.Order(), byNames.Cast<OidcScope>().Select(s => s.Id).Order());
        var byResource = await oidc.Scopes.FindByResourceAsync("portal-api").ToListAsync();
        Assert.Equal(new[] { nida.Id, tra.Id }.Order(), byResource.Cast<OidcScope>().Select(s => s.Id).Order());
        Assert.Empty(await oidc.Scopes.FindByResourceAsync("portal").ToListAsync());
        Assert.Equal(["nida-api", "portal-api", "tra-api"],
            (await oidc.Scopes.ListResourcesAsync(["nida.identity", "tra.tin"]).ToListAsync()).Order());

        var read = new OpenIddictScopeDescriptor();
        await oidc.Scopes.PopulateAsync(read, (await oidc.Store<IOpenIddictScopeStore<OidcScope>>().FindByIdAsync(nida.Id!, default))!);
        Assert.Equal("Utambulisho wa NIDA", read.DisplayNames[swahili]);
        Assert.Equal("Your national identity record", read.Descriptions[english]);
        Assert.Equal("Taarifa zako za utambulisho wa taifa", read.Descriptions[swahili]);
        Assert.Equal(2L, await oidc.Scopes.CountAsync(query => query.OfType<OidcScope>().Where(s => s.Resources.Contains("portal-api"))));
    }

    [Fact]
    public async Task A_scope_name_is_unique()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        await oidc.Scopes.CreateAsync(new OpenIddictScopeDescriptor { Name = "brela.companies" });

        // The manager refuses first; the unique constraint stands behind it for writers that race.
        await Assert.ThrowsAnyAsync<Exception>(async () =>
            await oidc.Scopes.CreateAsync(new OpenIddictScopeDescriptor { Name = "brela.companies" }));
        var store = oidc.Store<IOpenIddictScopeStore<OidcScope>>();
        var duplicate = await store.InstantiateAsync(default);
        duplicate.Name = "brela.companies";
        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(async () => await store.CreateAsync(duplicate, default));
        Assert.Equal("oidc_scopes_name_key", error.ConstraintName);
        Assert.Equal(1L, await oidc.Scopes.CountAsync());
    }

    [Fact]
    public async Task Saving_a_scope_read_before_another_save_fails_with_a_concurrency_exception()
    {
        await using var oidc = await OidcStoresHarness.StartAsync();
        var created = (OidcScope)await oidc.Scopes.CreateAsync(new OpenIddictScopeDescriptor { Name = "tra.tin" });
        var store = oidc.Store<IOpenIddictScopeStore<OidcScope>>();
        var first = (await store.FindByIdAsync(created.Id!, default))!;
        var second = (await store.FindByIdAsync(created.Id!, default))!;

        await oidc.Scopes.UpdateAsync(first, new OpenIddictScopeDescriptor { Name = "tra.tin", DisplayName = "TIN" });
        await Assert.ThrowsAsync<OpenIddictExceptions.ConcurrencyException>(async () =>
            await oidc.Scopes.UpdateAsync(second, new OpenIddictScopeDescriptor { Name = "tra.tin", DisplayName = "Other" }));

        Assert.Equal("TIN", (await store.FindByIdAsync(created.Id!, default))!.DisplayName);
        await oidc.Scopes.DeleteAsync(first);
        Assert.Null(await oidc.Scopes.FindByNameAsync("tra.tin"));
    }
}
