using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using OpenIddict.Abstractions;

namespace ServicePortal.Identity.OpenIdConnect.Stores;

/// <summary>
/// OpenIddict's scope store on <c>identity.oidc_scopes</c>, with the semantics of OpenIddict's Entity Framework
/// Core store. Stateless over the one data source, so it is a singleton.
/// </summary>
public sealed class OidcScopeStore(NpgsqlDataSource dataSource) : IOpenIddictScopeStore<OidcScope>
{
    private const string Columns = """
        id::text AS Id, concurrency_token AS ConcurrencyToken, description AS Description,
        descriptions::text AS Descriptions, display_name AS DisplayName, display_names::text AS DisplayNames,
        name AS Name, properties::text AS Properties, resources AS Resources
        """;

    private const string Select = $"SELECT {Columns} FROM identity.oidc_scopes";

    public async ValueTask<long> CountAsync(CancellationToken cancellationToken) =>
        await dataSource.ExecuteScalarAsync<long>("SELECT count(*) FROM identity.oidc_scopes", null,
            cancellationToken);

    // Scopes are a small set (a few dozen at most): the IQueryable methods load them all and run the query in
    // memory, which keeps every LINQ operator working without an ORM.
    public async ValueTask<long> CountAsync<TResult>(Func<IQueryable<OidcScope>, IQueryable<TResult>> query,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query((await LoadAllAsync(cancellationToken)).AsQueryable()).LongCount();
    }

    public async ValueTask CreateAsync(OidcScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        scope.Id ??= Guid.CreateVersion7().ToString();
        await dataSource.ExecuteAsync("""
            INSERT INTO identity.oidc_scopes (id, concurrency_token, description, descriptions, display_name,
                display_names, name, properties, resources)
            VALUES (@Id, @ConcurrencyToken, @Description, CAST(@Descriptions AS jsonb), @DisplayName,
                CAST(@DisplayNames AS jsonb), @Name, CAST(@Properties AS jsonb), @Resources)
            """, Parameters(scope, scope.ConcurrencyToken), cancellationToken);
    }

    public async ValueTask DeleteAsync(OidcScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var deleted = await dataSource.ExecuteAsync(
            "DELETE FROM identity.oidc_scopes WHERE id = @Id AND concurrency_token = @ConcurrencyToken",
            new { Id = OidcStoreSql.RequireId(scope.Id, "scope"), scope.ConcurrencyToken },
            cancellationToken);
        if (deleted == 0)
        {
            throw new OpenIddictExceptions.ConcurrencyException(
                "The scope was concurrently updated or deleted; reload it and try again.");
        }
    }

    public async ValueTask<OidcScope?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return OidcStoreSql.ParseId(identifier) is { } id
            ? await dataSource.QuerySingleOrDefaultAsync<OidcScope>($"{Select} WHERE id = @id", new { id },
                cancellationToken)
            : null;
    }

    public async ValueTask<OidcScope?> FindByNameAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return await dataSource.QuerySingleOrDefaultAsync<OidcScope>($"{Select} WHERE name = @name", new { name },
            cancellationToken);
    }

    public IAsyncEnumerable<OidcScope> FindByNamesAsync(ImmutableArray<string> names,
        CancellationToken cancellationToken)
    {
        if (names.IsDefaultOrEmpty)
        {
            return AsyncEnumerable.Empty<OidcScope>();
        }

        if (names.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Scope names cannot be null or empty.", nameof(names));
        }

        return dataSource.StreamAsync<OidcScope>($"{Select} WHERE name = ANY(@names)", new { names = names.ToArray() },
            cancellationToken);
    }

    public IAsyncEnumerable<OidcScope> FindByResourceAsync(string resource, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        // Array containment uses the GIN index and compares exactly (case-sensitive), as OpenIddict requires.
        return dataSource.StreamAsync<OidcScope>($"{Select} WHERE resources @> ARRAY[@resource]", new { resource },
            cancellationToken);
    }

    public async ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<OidcScope>, TState, IQueryable<TResult>> query,
        TState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query((await LoadAllAsync(cancellationToken)).AsQueryable(), state)
            .FirstOrDefault();
    }

    public ValueTask<string?> GetDescriptionAsync(OidcScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new(scope.Description);
    }

    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDescriptionsAsync(OidcScope scope,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new(OidcStoreJson.ReadLocalized(scope.Descriptions));
    }

    public ValueTask<string?> GetDisplayNameAsync(OidcScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new(scope.DisplayName);
    }

    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDisplayNamesAsync(OidcScope scope,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new(OidcStoreJson.ReadLocalized(scope.DisplayNames));
    }

    public ValueTask<string?> GetIdAsync(OidcScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new(scope.Id);
    }

    public ValueTask<string?> GetNameAsync(OidcScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new(scope.Name);
    }

    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(OidcScope scope,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new(OidcStoreJson.ReadProperties(scope.Properties));
    }

    public ValueTask<ImmutableArray<string>> GetResourcesAsync(OidcScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new(OidcStoreJson.ReadList(scope.Resources));
    }

    public ValueTask<OidcScope> InstantiateAsync(CancellationToken cancellationToken) => new(new OidcScope());

    public IAsyncEnumerable<OidcScope> ListAsync(int? count, int? offset, CancellationToken cancellationToken) =>
        dataSource.StreamAsync<OidcScope>($"{Select} ORDER BY id LIMIT @count OFFSET @offset",
            new { count, offset = offset ?? 0 }, cancellationToken);

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(
        Func<IQueryable<OidcScope>, TState, IQueryable<TResult>> query, TState state,
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

    public ValueTask SetDescriptionAsync(OidcScope scope, string? description, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        scope.Description = description;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetDescriptionsAsync(OidcScope scope, ImmutableDictionary<CultureInfo, string> descriptions,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        scope.Descriptions = OidcStoreJson.WriteLocalized(descriptions);
        return ValueTask.CompletedTask;
    }

    public ValueTask SetDisplayNameAsync(OidcScope scope, string? name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        scope.DisplayName = name;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetDisplayNamesAsync(OidcScope scope, ImmutableDictionary<CultureInfo, string> names,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        scope.DisplayNames = OidcStoreJson.WriteLocalized(names);
        return ValueTask.CompletedTask;
    }

    public ValueTask SetNameAsync(OidcScope scope, string? name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        scope.Name = name;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetPropertiesAsync(OidcScope scope, ImmutableDictionary<string, JsonElement> properties,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        scope.Properties = OidcStoreJson.WriteProperties(properties);
        return ValueTask.CompletedTask;
    }

    public ValueTask SetResourcesAsync(OidcScope scope, ImmutableArray<string> resources,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        scope.Resources = OidcStoreJson.WriteList(resources);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Writes every column, on condition that nobody changed the row since it was read (its concurrency token
    /// is still the one this instance carries); the instance then carries the new token.
    /// </summary>
    public async ValueTask UpdateAsync(OidcScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var next = OidcStoreSql.NewConcurrencyToken();
        var updated = await dataSource.ExecuteAsync("""
            UPDATE identity.oidc_scopes SET
                concurrency_token = @NextConcurrencyToken, description = @Description,
                descriptions = CAST(@Descriptions AS jsonb), display_name = @DisplayName,
                display_names = CAST(@DisplayNames AS jsonb), name = @Name, properties = CAST(@Properties AS jsonb),
                resources = @Resources
            WHERE id = @Id AND concurrency_token = @ConcurrencyToken
            """, Parameters(scope, next), cancellationToken);
        if (updated == 0)
        {
            throw new OpenIddictExceptions.ConcurrencyException(
                "The scope was concurrently updated or deleted; reload it and try again.");
        }

        scope.ConcurrencyToken = next;
    }

    private static object Parameters(OidcScope scope, string nextConcurrencyToken) => new
    {
        Id = OidcStoreSql.RequireId(scope.Id, "scope"),
        scope.ConcurrencyToken,
        NextConcurrencyToken = nextConcurrencyToken,
        scope.Description,
        scope.Descriptions,
        scope.DisplayName,
        scope.DisplayNames,
        scope.Name,
        scope.Properties,
        scope.Resources,
    };

    private Task<IReadOnlyList<OidcScope>> LoadAllAsync(CancellationToken cancellationToken) =>
        dataSource.QueryAsync<OidcScope>($"{Select} ORDER BY id", null, cancellationToken);
}
