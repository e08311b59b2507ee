using System.Collections.Immutable;
using System.Text.Json;
using Npgsql;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ServicePortal.Identity.OpenIdConnect.Stores;

/// <summary>
/// OpenIddict's authorization store on <c>identity.oidc_authorizations</c>, with the semantics of OpenIddict's
/// Entity Framework Core store. Stateless over the one data source, so it is a singleton.
/// </summary>
public sealed class OidcAuthorizationStore(NpgsqlDataSource dataSource) : IOpenIddictAuthorizationStore<OidcAuthorization>
{
    private const string Columns = """
        id::text AS Id, application_id::text AS ApplicationId, concurrency_token AS ConcurrencyToken,
        creation_date AS CreationDate, properties::text AS Properties, scopes AS Scopes, status AS Status,
        subject AS Subject, type AS Type
        """;

    private const string Select = $"SELECT {Columns} FROM identity.oidc_authorizations";

    /// <summary>Rows one prune statement deletes, and statements one prune runs at most (as OpenIddict's stores).</summary>
    private const int PruneBatchSize = 1_000, PruneMaxBatches = 1_000;

    // Authorizations can be many (one per sign-in for ad-hoc ones), and OpenIddict's server never calls the
    // IQueryable-based methods: rather than load the table to run a LINQ query in memory, they refuse.
    private const string QueryNotSupported =
        "OidcAuthorizationStore does not run IQueryable queries: authorizations are too many to load into memory " +
        "and OpenIddict's server does not need it. Use the Find*, Revoke* and Prune methods, or add a SQL method.";

    // A bulk revocation also renews the concurrency token of each row it changes (OpenIddict's EF store does
    // not): an instance read before the revocation can then never be saved over it and undo it unnoticed.
    private const string Revoke = """
        UPDATE identity.oidc_authorizations
        SET status = @revoked, concurrency_token = gen_random_uuid()::text
        """;

    public async ValueTask<long> CountAsync(CancellationToken cancellationToken) =>
        await dataSource.ExecuteScalarAsync<long>("SELECT count(*) FROM identity.oidc_authorizations", null,
            cancellationToken);

    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<OidcAuthorization>, IQueryable<TResult>> query,
        CancellationToken cancellationToken) => throw new NotSupportedException(QueryNotSupported);

    public async ValueTask CreateAsync(OidcAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        authorization.Id ??= Guid.CreateVersion7().ToString();
        await dataSource.ExecuteAsync("""
            INSERT INTO identity.oidc_authorizations (id, application_id, concurrency_token, creation_date,
                properties, scopes, status, subject, type)
            VALUES (@Id, @ApplicationId, @ConcurrencyToken, @CreationDate, CAST(@Properties AS jsonb), @Scopes,
                @Status, @Subject, @Type)
            """, Parameters(authorization, authorization.ConcurrencyToken), cancellationToken);
    }

    /// <summary>Deletes the authorization; its tokens go with it (ON DELETE CASCADE).</summary>
    public async ValueTask DeleteAsync(OidcAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var deleted = await dataSource.ExecuteAsync(
            "DELETE FROM identity.oidc_authorizations WHERE id = @Id AND concurrency_token = @ConcurrencyToken",
            new { Id = OidcStoreSql.RequireId(authorization.Id, "authorization"), authorization.ConcurrencyToken },
            cancellationToken);
        if (deleted == 0)
        {
            throw new OpenIddictExceptions.ConcurrencyException(
                "The authorization was concurrently updated or deleted; reload it and try again.");
        }
    }

    /// <summary>
    /// Every criterion is optional (null or empty means "any"), as in OpenIddict's stores; <paramref name="client"/>
    /// is the application's identifier, not its client_id; <paramref name="scopes"/> must all be granted by a
    /// match (it may grant more).
    /// </summary>
    public IAsyncEnumerable<OidcAuthorization> FindAsync(string? subject, string? client, string? status,
        string? type, ImmutableArray<string>? scopes, CancellationToken cancellationToken)
    {
        if (OidcStoreSql.Filter(subject, client, status, type) is not { } filter)
        {
            return AsyncEnumerable.Empty<OidcAuthorization>();
        }

        if (scopes is { IsDefaultOrEmpty: false } required)
        {
            filter.Where.Append(" AND scopes @> @scopes");
            filter.Parameters.Add("scopes", required.ToArray());
        }

        return dataSource.StreamAsync<OidcAuthorization>($"{Select}{filter.Where}", filter.Parameters,
            cancellationToken);
    }

    public IAsyncEnumerable<OidcAuthorization> FindByApplicationIdAsync(string identifier,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return OidcStoreSql.ParseId(identifier) is { } id
            ? dataSource.StreamAsync<OidcAuthorization>($"{Select} WHERE application_id = @id", new { id },
                cancellationToken)
            : AsyncEnumerable.Empty<OidcAuthorization>();
    }

    public async ValueTask<OidcAuthorization?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return OidcStoreSql.ParseId(identifier) is { } id
            ? await dataSource.QuerySingleOrDefaultAsync<OidcAuthorization>($"{Select} WHERE id = @id", new { id },
                cancellationToken)
            : null;
    }

    public IAsyncEnumerable<OidcAuthorization> FindBySubjectAsync(string subject, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return dataSource.StreamAsync<OidcAuthorization>($"{Select} WHERE subject = @subject", new { subject },
            cancellationToken);
    }

    public ValueTask<string?> GetApplicationIdAsync(OidcAuthorization authorization,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        return new(authorization.ApplicationId);
    }

    public ValueTask<TResult?> GetAsync<TState, TResult>(
        Func<IQueryable<OidcAuthorization>, TState, IQueryable<TResult>> query, TState state,
        CancellationToken cancellationToken) => throw new NotSupportedException(QueryNotSupported);

    public ValueTask<DateTimeOffset?> GetCreationDateAsync(OidcAuthorization authorization,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        return new(OidcStoreSql.ToOffset(authorization.CreationDate));
    }

    public ValueTask<string?> GetIdAsync(OidcAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        return new(authorization.Id);
    }

    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(OidcAuthorization authorization,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        return new(OidcStoreJson.ReadProperties(authorization.Properties));
    }

    public ValueTask<ImmutableArray<string>> GetScopesAsync(OidcAuthorization authorization,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        return new(OidcStoreJson.ReadList(authorization.Scopes));
    }

    public ValueTask<string?> GetStatusAsync(OidcAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        return new(authorization.Status);
    }

    public ValueTask<string?> GetSubjectAsync(OidcAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        return new(authorization.Subject);
    }

    public ValueTask<string?> GetTypeAsync(OidcAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        return new(authorization.Type);
    }

    public ValueTask<OidcAuthorization> InstantiateAsync(CancellationToken cancellationToken) =>
        new(new OidcAuthorization());

    public IAsyncEnumerable<OidcAuthorization> ListAsync(int? count, int? offset, CancellationToken cancellationToken) =>
        dataSource.StreamAsync<OidcAuthorization>($"{Select} ORDER BY id LIMIT @count OFFSET @offset",
            new { count, offset = offset ?? 0 }, cancellationToken);

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(
        Func<IQueryable<OidcAuthorization>, TState, IQueryable<TResult>> query, TState state,
        CancellationToken cancellationToken) => throw new NotSupportedException(QueryNotSupported);

    /// <summary>
    /// Deletes, in batches, the authorizations created before <paramref name="threshold"/> that are no longer
    /// valid, or are ad-hoc with no token left (OpenIddict's rule); their tokens go with them. Rows another
    /// node is pruning at the same moment are skipped, not waited for.
    /// </summary>
    public async ValueTask<long> PruneAsync(DateTimeOffset threshold, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            threshold = threshold.UtcDateTime,
            valid = Statuses.Valid,
            adHoc = AuthorizationTypes.AdHoc,
            batch = PruneBatchSize,
        };
        var total = 0L;
        for (var i = 0; i < PruneMaxBatches; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var deleted = await dataSource.ExecuteAsync("""
                WITH doomed AS (
                    SELECT a.id FROM identity.oidc_authorizations a
                    WHERE a.creation_date < @threshold
                      AND (a.status IS DISTINCT FROM @valid
                           OR (a.type = @adHoc AND NOT EXISTS (
                               SELECT 1 FROM identity.oidc_tokens t WHERE t.authorization_id = a.id)))
                    LIMIT @batch
                    FOR UPDATE SKIP LOCKED)
                DELETE FROM identity.oidc_authorizations a USING doomed WHERE a.id = doomed.id
                """, parameters, cancellationToken);
            if (deleted == 0)
            {
                break;
            }

            total += deleted;
        }

        return total;
    }

    /// <summary>Marks the matching authorizations revoked (criteria as in <see cref="FindAsync"/>).</summary>
    public async ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type,
        CancellationToken cancellationToken)
    {
        if (OidcStoreSql.Filter(subject, client, status, type) is not { } filter)
        {
            return 0;
        }

        filter.Parameters.Add("revoked", Statuses.Revoked);
        return await dataSource.ExecuteAsync($"{Revoke}{filter.Where}", filter.Parameters, cancellationToken);
    }

    public async ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        if (OidcStoreSql.ParseId(identifier) is not { } id)
        {
            return 0;
        }

        return await dataSource.ExecuteAsync(
            $"{Revoke} WHERE application_id = @id AND status IS DISTINCT FROM @revoked",
            new { id, revoked = Statuses.Revoked }, cancellationToken);
    }

    public async ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return await dataSource.ExecuteAsync(
            $"{Revoke} WHERE subject = @subject AND status IS DISTINCT FROM @revoked",
            new { subject, revoked = Statuses.Revoked }, cancellationToken);
    }

    public ValueTask SetApplicationIdAsync(OidcAuthorization authorization, string? identifier,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        authorization.ApplicationId = string.IsNullOrEmpty(identifier) ? null : identifier;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetCreationDateAsync(OidcAuthorization authorization, DateTimeOffset? date,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        authorization.CreationDate = date?.UtcDateTime;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetPropertiesAsync(OidcAuthorization authorization,
        ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        authorization.Properties = OidcStoreJson.WriteProperties(properties);
        return ValueTask.CompletedTask;
    }

    public ValueTask SetScopesAsync(OidcAuthorization authorization, ImmutableArray<string> scopes,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        authorization.Scopes = OidcStoreJson.WriteList(scopes);
        return ValueTask.CompletedTask;
    }

    public ValueTask SetStatusAsync(OidcAuthorization authorization, string? status,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        authorization.Status = status;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetSubjectAsync(OidcAuthorization authorization, string? subject,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        authorization.Subject = subject;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetTypeAsync(OidcAuthorization authorization, string? type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        authorization.Type = type;
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Writes every column, on condition that nobody changed the row since it was read (its concurrency token
    /// is still the one this instance carries); the instance then carries the new token.
    /// </summary>
    public async ValueTask UpdateAsync(OidcAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var next = OidcStoreSql.NewConcurrencyToken();
        var updated = await dataSource.ExecuteAsync("""
            UPDATE identity.oidc_authorizations SET
                application_id = @ApplicationId, concurrency_token = @NextConcurrencyToken,
                creation_date = @CreationDate, properties = CAST(@Properties AS jsonb), scopes = @Scopes,
                status = @Status, subject = @Subject, type = @Type
            WHERE id = @Id AND concurrency_token = @ConcurrencyToken
            """, Parameters(authorization, next), cancellationToken);
        if (updated == 0)
        {
            throw new OpenIddictExceptions.ConcurrencyException(
                "The authorization was concurrently updated or deleted; reload it and try again.");
        }

        authorization.ConcurrencyToken = next;
    }

    private static object Parameters(OidcAuthorization authorization, string nextConcurrencyToken) => new
    {
        Id = OidcStoreSql.RequireId(authorization.Id, "authorization"),
        ApplicationId = OidcStoreSql.OptionalId(authorization.ApplicationId, "application"),
        authorization.ConcurrencyToken,
        NextConcurrencyToken = nextConcurrencyToken,
        authorization.CreationDate,
        authorization.Properties,
        authorization.Scopes,
        authorization.Status,
        authorization.Subject,
        authorization.Type,
    };
}
