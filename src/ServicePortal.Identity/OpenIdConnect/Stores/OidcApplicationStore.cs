using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using OpenIddict.Abstractions;

namespace ServicePortal.Identity.OpenIdConnect.Stores;

/// <summary>
/// OpenIddict's application store on <c>identity.oidc_applications</c>, with the semantics of OpenIddict's
/// Entity Framework Core store. Stateless over the one data source, so it is a singleton.
/// </summary>
public sealed class OidcApplicationStore(NpgsqlDataSource dataSource) : IOpenIddictApplicationStore<OidcApplication>
{
    private const string Columns = """
        id::text AS Id, application_type AS ApplicationType, client_id AS ClientId, client_secret AS ClientSecret,
        client_type AS ClientType, concurrency_token AS ConcurrencyToken, consent_type AS ConsentType,
        display_name AS DisplayName, display_names::text AS DisplayNames, json_web_key_set::text AS JsonWebKeySet,
        permissions AS Permissions, post_logout_redirect_uris AS PostLogoutRedirectUris,
        properties::text AS Properties, redirect_uris AS RedirectUris, requirements AS Requirements,
        settings::text AS Settings
        """;

    private const string Select = $"SELECT {Columns} FROM identity.oidc_applications";

    public async ValueTask<long> CountAsync(CancellationToken cancellationToken) =>
        await dataSource.ExecuteScalarAsync<long>("SELECT count(*) FROM identity.oidc_applications", null,
            cancellationToken);

    // Applications are a small set (the portal's clients): the IQueryable methods load them all and run the
    // query in memory, which keeps every LINQ operator working without an ORM.
    public async ValueTask<long> CountAsync<TResult>(Func<IQueryable<OidcApplication>, IQueryable<TResult>> query,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query((await LoadAllAsync(cancellationToken)).AsQueryable()).LongCount();
    }

    public async ValueTask CreateAsync(OidcApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        application.Id ??= Guid.CreateVersion7().ToString();
        await dataSource.ExecuteAsync("""
            INSERT INTO identity.oidc_applications (id, application_type, client_id, client_secret, client_type,
                concurrency_token, consent_type, display_name, display_names, json_web_key_set, permissions,
                post_logout_redirect_uris, properties, redirect_uris, requirements, settings)
            VALUES (@Id, @ApplicationType, @ClientId, @ClientSecret, @ClientType,
                @ConcurrencyToken, @ConsentType, @DisplayName, CAST(@DisplayNames AS jsonb),
                CAST(@JsonWebKeySet AS jsonb), @Permissions, @PostLogoutRedirectUris, CAST(@Properties AS jsonb),
                @RedirectUris, @Requirements, CAST(@Settings AS jsonb))
            """, Parameters(application, application.ConcurrencyToken), cancellationToken);
    }

    /// <summary>Deletes the application; its authorizations and tokens go with it (ON DELETE CASCADE).</summary>
    public async ValueTask DeleteAsync(OidcApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        var deleted = await dataSource.ExecuteAsync(
            "DELETE FROM identity.oidc_applications WHERE id = @Id AND concurrency_token = @ConcurrencyToken",
            new { Id = OidcStoreSql.RequireId(application.Id, "application"), application.ConcurrencyToken },
            cancellationToken);
        if (deleted == 0)
        {
            throw new OpenIddictExceptions.ConcurrencyException(
                "The application was concurrently updated or deleted; reload it and try again.");
        }
    }

    public async ValueTask<OidcApplication?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return OidcStoreSql.ParseId(identifier) is { } id
            ? await dataSource.QuerySingleOrDefaultAsync<OidcApplication>($"{Select} WHERE id = @id", new { id },
                cancellationToken)
            : null;
    }

    public async ValueTask<OidcApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return await dataSource.QuerySingleOrDefaultAsync<OidcApplication>(
            $"{Select} WHERE client_id = @identifier", new { identifier }, cancellationToken);
    }

    public IAsyncEnumerable<OidcApplication> FindByPostLogoutRedirectUriAsync(string uri,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        // Array containment uses the GIN index and compares exactly (case-sensitive), as OpenIddict requires.
        return dataSource.StreamAsync<OidcApplication>(
            $"{Select} WHERE post_logout_redirect_uris @> ARRAY[@uri]", new { uri }, cancellationToken);
    }

    public IAsyncEnumerable<OidcApplication> FindByRedirectUriAsync(string uri, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        return dataSource.StreamAsync<OidcApplication>(
            $"{Select} WHERE redirect_uris @> ARRAY[@uri]", new { uri }, cancellationToken);
    }

    public ValueTask<string?> GetApplicationTypeAsync(OidcApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        return new(application.ApplicationType);
    }

    public async ValueTask<TResult?> GetAsync<TState, TResult>(
        Func<IQueryable<OidcApplication>, TState, IQueryable<TResult>> query, TState state,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query((await LoadAllAsync(cancellationToken)).AsQueryable(), state)
            .FirstOrDefault();
    }

    public ValueTask<string?> GetClientIdAsync(OidcApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        return new(application.ClientId);
    }

    public ValueTask<string?> GetClientSecretAsync(OidcApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        return new(application.ClientSecret);
    }

    public ValueTask<string?> GetClientTypeAsync(OidcApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        return new(application.ClientType);
    }

    public ValueTask<string?> GetConsentTypeAsync(OidcApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        return new(application.ConsentType);
    }

    public ValueTask<string?> GetDisplayNameAsync(OidcApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        return new(application.DisplayName);
    }

    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDisplayNamesAsync(OidcApplication application,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        return new(OidcStoreJson.ReadLocalized(application.DisplayNames));
    }

    public ValueTask<string?> GetIdAsync(OidcApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        return new(application.Id);
    }

    public ValueTask<JsonWebKeySet?> GetJsonWebKeySetAsync(OidcApplication application,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        return new(string.IsNullOrEmpty(application.JsonWebKeySet)
            ? null
            : JsonSerializer.Deserialize(application.JsonWebKeySet, OpenIddictSerializer.Default.JsonWebKeySet));
    }

    public ValueTask<ImmutableArray<string>> GetPermissionsAsync(OidcApplication application,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        return new(OidcStoreJson.ReadList(application.Permissions));
    }

    public ValueTask<ImmutableArray<string>> GetPostLogoutRedirectUrisAsync(OidcApplication application,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        return new(OidcStoreJson.ReadList(application.PostLogoutRedirectUris));
    }

    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(OidcApplication application,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        return new(OidcStoreJson.ReadProperties(application.Properties));
    }

    public ValueTask<ImmutableArray<string>> GetRedirectUrisAsync(OidcApplication application,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        return new(OidcStoreJson.ReadList(application.RedirectUris));
    }

    public ValueTask<ImmutableArray<string>> GetRequirementsAsync(OidcApplication application,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        return new(OidcStoreJson.ReadList(application.Requirements));
    }

    public ValueTask<ImmutableDictionary<string, string>> GetSettingsAsync(OidcApplication application,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        return new(OidcStoreJson.ReadStrings(application.Settings));
    }

    public ValueTask<OidcApplication> InstantiateAsync(CancellationToken cancellationToken) => new(new OidcApplication());

    public IAsyncEnumerable<OidcApplication> ListAsync(int? count, int? offset, CancellationToken cancellationToken) =>
        dataSource.StreamAsync<OidcApplication>($"{Select} ORDER BY id LIMIT @count OFFSET @offset",
            new { count, offset = offset ?? 0 }, cancellationToken);

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(
        Func<IQueryable<OidcApplication>, TState, IQueryable<TResult>> query, TState state,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ExecuteAsync(cancellationToken);

        async IAsyncEnumerable<TResult> ExecuteAsync(
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var all = await LoadAllAsync(cancellationToken);
            foreach (var result in query(all.AsQueryable(), state))
            {
                yield return result;
            }
        }
    }

    public ValueTask SetApplicationTypeAsync(OidcApplication application, string? type,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        application.ApplicationType = type;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetClientIdAsync(OidcApplication application, string? identifier,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        application.ClientId = identifier;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetClientSecretAsync(OidcApplication application, string? secret,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        application.ClientSecret = secret;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetClientTypeAsync(OidcApplication application, string? type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        application.ClientType = type;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetConsentTypeAsync(OidcApplication application, string? type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        application.ConsentType = type;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetDisplayNameAsync(OidcApplication application, string? name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        application.DisplayName = name;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetDisplayNamesAsync(OidcApplication application, ImmutableDictionary<CultureInfo, string> names,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        application.DisplayNames = OidcStoreJson.WriteLocalized(names);
        return ValueTask.CompletedTask;
    }

    public ValueTask SetJsonWebKeySetAsync(OidcApplication application, JsonWebKeySet? set,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        application.JsonWebKeySet = set is null
            ? null
            : JsonSerializer.Serialize(set, OpenIddictSerializer.Default.JsonWebKeySet);
        return ValueTask.CompletedTask;
    }

    public ValueTask SetPermissionsAsync(OidcApplication application, ImmutableArray<string> permissions,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        application.Permissions = OidcStoreJson.WriteList(permissions);
        return ValueTask.CompletedTask;
    }

    public ValueTask SetPostLogoutRedirectUrisAsync(OidcApplication application, ImmutableArray<string> uris,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        application.PostLogoutRedirectUris = OidcStoreJson.WriteList(uris);
        return ValueTask.CompletedTask;
    }

    public ValueTask SetPropertiesAsync(OidcApplication application,
        ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        application.Properties = OidcStoreJson.WriteProperties(properties);
        return ValueTask.CompletedTask;
    }

    public ValueTask SetRedirectUrisAsync(OidcApplication application, ImmutableArray<string> uris,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        application.RedirectUris = OidcStoreJson.WriteList(uris);
        return ValueTask.CompletedTask;
    }

    public ValueTask SetRequirementsAsync(OidcApplication application, ImmutableArray<string> requirements,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        application.Requirements = OidcStoreJson.WriteList(requirements);
        return ValueTask.CompletedTask;
    }

    public ValueTask SetSettingsAsync(OidcApplication application, ImmutableDictionary<string, string> settings,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        application.Settings = OidcStoreJson.WriteStrings(settings);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Writes every column, on condition that nobody changed the row since it was read (its concurrency token
    /// is still the one this instance carries); the instance then carries the new token.
    /// </summary>
    public async ValueTask UpdateAsync(OidcApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        var next = OidcStoreSql.NewConcurrencyToken();
        var updated = await dataSource.ExecuteAsync("""
            UPDATE identity.oidc_applications SET
                application_type = @ApplicationType, client_id = @ClientId, client_secret = @ClientSecret,
                client_type = @ClientType, concurrency_token = @NextConcurrencyToken, consent_type = @ConsentType,
                display_name = @DisplayName, display_names = CAST(@DisplayNames AS jsonb),
                json_web_key_set = CAST(@JsonWebKeySet AS jsonb), permissions = @Permissions,
                post_logout_redirect_uris = @PostLogoutRedirectUris, properties = CAST(@Properties AS jsonb),
                redirect_uris = @RedirectUris, requirements = @Requirements, settings = CAST(@Settings AS jsonb)
            WHERE id = @Id AND concurrency_token = @ConcurrencyToken
            """, Parameters(application, next), cancellationToken);
        if (updated == 0)
        {
            throw new OpenIddictExceptions.ConcurrencyException(
                "The application was concurrently updated or deleted; reload it and try again.");
        }

        application.ConcurrencyToken = next;
    }

    private static object Parameters(OidcApplication application, string nextConcurrencyToken) => new
    {
        Id = OidcStoreSql.RequireId(application.Id, "application"),
        application.ApplicationType,
        application.ClientId,
        application.ClientSecret,
        application.ClientType,
        application.ConcurrencyToken,
        NextConcurrencyToken = nextConcurrencyToken,
        application.ConsentType,
        application.DisplayName,
        application.DisplayNames,
        application.JsonWebKeySet,
        application.Permissions,
        application.PostLogoutRedirectUris,
        application.Properties,
        application.RedirectUris,
        application.Requirements,
        application.Settings,
    };

    private Task<IReadOnlyList<OidcApplication>> LoadAllAsync(CancellationToken cancellationToken) =>
        dataSource.QueryAsync<OidcApplication>($"{Select} ORDER BY id", null, cancellationToken);
}
