using System.Collections.Immutable;
using System.Text.Json;
using Npgsql;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ServicePortal.Identity.OpenIdConnect.Stores;

/// <summary>
/// OpenIddict's token store on <c>identity.oidc_tokens</c>, with the semantics of OpenIddict's Entity Framework
/// Core store, reference tokens included (payload and reference id). Stateless over the one data source, so
/// it is a singleton.
/// </summary>
public sealed class OidcTokenStore(NpgsqlDataSource dataSource) : IOpenIddictTokenStore<OidcToken>
{
    private const string Columns = """
        id::text AS Id, application_id::text AS ApplicationId, authorization_id::text AS AuthorizationId,
        concurrency_token AS ConcurrencyToken, creation_date AS CreationDate, expiration_date AS ExpirationDate,
        payload AS Payload, properties::text AS Properties, redemption_date AS RedemptionDate,
        reference_id AS ReferenceId, status AS Status, subject AS Subject, type AS Type
        """;

    private const string Select = $"SELECT {Columns} FROM identity.oidc_tokens";

    /// <summary>Rows one prune statement deletes, and statements one prune runs at most (as OpenIddict's stores).</summary>
    private const int PruneBatchSize = 1_000, PruneMaxBatches = 1_000;

    // Tokens can be millions, and OpenIddict's server never calls the IQueryable-based methods: rather than
    // load the table to run a LINQ query in memory, they refuse.
    private const string QueryNotSupported =
        "OidcTokenStore does not run IQueryable queries: tokens are too many to load into memory and " +
        "OpenIddict's server does not need it. Use the Find*, Revoke* and Prune methods, or add a SQL method.";

    // A bulk revocation also renews the concurrency token of each row it changes (OpenIddict's EF store does
    // not): an instance read before the revocation (say, a refresh token being redeemed) can then never be
    // saved over it and undo it unnoticed; the manager's TryRedeemAsync sees the conflict and fails.
    private const string Revoke = """
        UPDATE identity.oidc_tokens
        SET status = @revoked, concurrency_token = gen_random_uuid()::text
        """;

    public async ValueTask<long> CountAsync(CancellationToken cancellationToken) =>
        await dataSource.ExecuteScalarAsync<long>("SELECT count(*) FROM identity.oidc_tokens", null,
            cancellationToken);

    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<OidcToken>, IQueryable<TResult>> query,
        CancellationToken cancellationToken) => throw new NotSupportedException(QueryNotSupported);

    public async ValueTask CreateAsync(OidcToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        token.Id ??= Guid.CreateVersion7().ToString();
        await dataSource.ExecuteAsync("""
            INSERT INTO identity.oidc_tokens (id, application_id, authorization_id, concurrency_token,
                creation_date, expiration_date, payload, properties, redemption_date, reference_id, status,
                subject, type)
            VALUES (@Id, @ApplicationId, @AuthorizationId, @ConcurrencyToken, @CreationDate, @ExpirationDate,
                @Payload, CAST(@Properties AS jsonb), @RedemptionDate, @ReferenceId, @Status, @Subject, @Type)
            """, Parameters(token, token.ConcurrencyToken), cancellationToken);
    }

    public async ValueTask DeleteAsync(OidcToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var deleted = await dataSource.ExecuteAsync(
            "DELETE FROM identity.oidc_tokens WHERE id = @Id AND concurrency_token = @ConcurrencyToken",
            new { Id = OidcStoreSql.RequireId(token.Id, "token"), token.ConcurrencyToken },
            cancellationToken);
        if (deleted == 0)
        {
            throw new OpenIddictExceptions.ConcurrencyException(
                "The token was concurrently updated or deleted; reload it and try again.");
        }
    }

    /// <summary>
    /// Every criterion is optional (null or empty means "any"), as in OpenIddict's stores;
    /// <paramref name="client"/> is the application's identifier, not its client_id.
    /// </summary>
    public IAsyncEnumerable<OidcToken> FindAsync(string? subject, string? client, string? status, string? type,
        CancellationToken cancellationToken)
    {
        if (OidcStoreSql.Filter(subject, client, status, type) is not { } filter)
        {
            return AsyncEnumerable.Empty<OidcToken>();
        }

        return dataSource.StreamAsync<OidcToken>($"{Select}{filter.Where}", filter.Parameters, cancellationToken);
    }

    public IAsyncEnumerable<OidcToken> FindByApplicationIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return OidcStoreSql.ParseId(identifier) is { } id
            ? dataSource.StreamAsync<OidcToken>($"{Select} WHERE application_id = @id", new { id }, cancellationToken)
            : AsyncEnumerable.Empty<OidcToken>();
    }

    public IAsyncEnumerable<OidcToken> FindByAuthorizationIdAsync(string identifier,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return OidcStoreSql.ParseId(identifier) is { } id
            ? dataSource.StreamAsync<OidcToken>($"{Select} WHERE authorization_id = @id", new { id },
                cancellationToken)
            : AsyncEnumerable.Empty<OidcToken>();
    }

    public async ValueTask<OidcToken?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return OidcStoreSql.ParseId(identifier) is { } id
            ? await dataSource.QuerySingleOrDefaultAsync<OidcToken>($"{Select} WHERE id = @id", new { id },
                cancellationToken)
            : null;
    }

    /// <summary>A reference token, by the reference id the client holds (OpenIddict passes it already hashed).</summary>
    public async ValueTask<OidcToken?> FindByReferenceIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return await dataSource.QuerySingleOrDefaultAsync<OidcToken>($"{Select} WHERE reference_id = @identifier",
            new { identifier }, cancellationToken);
    }

    public IAsyncEnumerable<OidcToken> FindBySubjectAsync(string subject, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return dataSource.StreamAsync<OidcToken>($"{Select} WHERE subject = @subject", new { subject },
            cancellationToken);
    }

    public ValueTask<string?> GetApplicationIdAsync(OidcToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(token.ApplicationId);
    }

    public ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<OidcToken>, TState, IQueryable<TResult>> query,
        TState state, CancellationToken cancellationToken) => throw new NotSupportedException(QueryNotSupported);

    public ValueTask<string?> GetAuthorizationIdAsync(OidcToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(token.AuthorizationId);
    }

    public ValueTask<DateTimeOffset?> GetCreationDateAsync(OidcToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(OidcStoreSql.ToOffset(token.CreationDate));
    }

    public ValueTask<DateTimeOffset?> GetExpirationDateAsync(OidcToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(OidcStoreSql.ToOffset(token.ExpirationDate));
    }

    public ValueTask<string?> GetIdAsync(OidcToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(token.Id);
    }

    public ValueTask<string?> GetPayloadAsync(OidcToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(token.Payload);
    }

    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(OidcToken token,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(OidcStoreJson.ReadProperties(token.Properties));
    }

    public ValueTask<DateTimeOffset?> GetRedemptionDateAsync(OidcToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(OidcStoreSql.ToOffset(token.RedemptionDate));
    }

    public ValueTask<string?> GetReferenceIdAsync(OidcToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(token.ReferenceId);
    }

    public ValueTask<string?> GetStatusAsync(OidcToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(token.Status);
    }

    public ValueTask<string?> GetSubjectAsync(OidcToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(token.Subject);
    }

    public ValueTask<string?> GetTypeAsync(OidcToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(token.Type);
    }

    public ValueTask<OidcToken> InstantiateAsync(CancellationToken cancellationToken) => new(new OidcToken());

    public IAsyncEnumerable<OidcToken> ListAsync(int? count, int? offset, CancellationToken cancellationToken) =>
        dataSource.StreamAsync<OidcToken>($"{Select} ORDER BY id LIMIT @count OFFSET @offset",
            new { count, offset = offset ?? 0 }, cancellationToken);

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(
        Func<IQueryable<OidcToken>, TState, IQueryable<TResult>> query, TState state,
        CancellationToken cancellationToken) => throw new NotSupportedException(QueryNotSupported);

    /// <summary>
    /// Deletes, in batches, the tokens created before <paramref name="threshold"/> that are no longer valid
    /// (any status but inactive or valid), have expired, or belong to an authorization no longer valid
    /// (OpenIddict's rule). Rows another node is pruning at the same moment are skipped, not waited for.
    /// </summary>
    public async ValueTask<long> PruneAsync(DateTimeOffset threshold, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            threshold = threshold.UtcDateTime,
            now = DateTime.UtcNow,
            inactive = Statuses.Inactive,
            valid = Statuses.Valid,
            batch = PruneBatchSize,
        };
        var total = 0L;
        for (var i = 0; i < PruneMaxBatches; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var deleted = await dataSource.ExecuteAsync("""
                WITH doomed AS (
                    SELECT t.id FROM identity.oidc_tokens t
                    LEFT JOIN identity.oidc_authorizations a ON a.id = t.authorization_id
                    WHERE t.creation_date < @threshold
                      AND ((t.status IS DISTINCT FROM @inactive AND t.status IS DISTINCT FROM @valid)
                           OR (a.id IS NOT NULL AND a.status IS DISTINCT FROM @valid)
                           OR t.expiration_date < @now)
                    LIMIT @batch
                    FOR UPDATE OF t SKIP LOCKED)
                DELETE FROM identity.oidc_tokens t USING doomed WHERE t.id = doomed.id
                """, parameters, cancellationToken);
            if (deleted == 0)
            {
                break;
            }

            total += deleted;
        }

        return total;
    }

    /// <summary>Marks the matching tokens revoked (criteria as in <see cref="FindAsync"/>).</summary>
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
        return OidcStoreSql.ParseId(identifier) is { } id
            ? await dataSource.ExecuteAsync($"{Revoke} WHERE application_id = @id AND status IS DISTINCT FROM @revoked",
                new { id, revoked = Statuses.Revoked }, cancellationToken)
            : 0;
    }

    public async ValueTask<long> RevokeByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return OidcStoreSql.ParseId(identifier) is { } id
            ? await dataSource.ExecuteAsync(
                $"{Revoke} WHERE authorization_id = @id AND status IS DISTINCT FROM @revoked",
                new { id, revoked = Statuses.Revoked }, cancellationToken)
            : 0;
    }

    public async ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return await dataSource.ExecuteAsync($"{Revoke} WHERE subject = @subject AND status IS DISTINCT FROM @revoked",
            new { subject, revoked = Statuses.Revoked }, cancellationToken);
    }

    public ValueTask SetApplicationIdAsync(OidcToken token, string? identifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        token.ApplicationId = string.IsNullOrEmpty(identifier) ? null : identifier;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetAuthorizationIdAsync(OidcToken token, string? identifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        token.AuthorizationId = string.IsNullOrEmpty(identifier) ? null : identifier;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetCreationDateAsync(OidcToken token, DateTimeOffset? date, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        token.CreationDate = date?.UtcDateTime;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetExpirationDateAsync(OidcToken token, DateTimeOffset? date, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        token.ExpirationDate = date?.UtcDateTime;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetPayloadAsync(OidcToken token, string? payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        token.Payload = payload;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetPropertiesAsync(OidcToken token, ImmutableDictionary<string, JsonElement> properties,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        token.Properties = OidcStoreJson.WriteProperties(properties);
        return ValueTask.CompletedTask;
    }

    public ValueTask SetRedemptionDateAsync(OidcToken token, DateTimeOffset? date, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        token.RedemptionDate = date?.UtcDateTime;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetReferenceIdAsync(OidcToken token, string? identifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        token.ReferenceId = identifier;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetStatusAsync(OidcToken token, string? status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        token.Status = status;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetSubjectAsync(OidcToken token, string? subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        token.Subject = subject;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetTypeAsync(OidcToken token, string? type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        token.Type = type;
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Writes every column, on condition that nobody changed the row since it was read (its concurrency token
    /// is still the one this instance carries); the instance then carries the new token. This is what makes
    /// a refresh token or authorization code redeemable once only.
    /// </summary>
    public async ValueTask UpdateAsync(OidcToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var next = OidcStoreSql.NewConcurrencyToken();
        var updated = await dataSource.ExecuteAsync("""
            UPDATE identity.oidc_tokens SET
                application_id = @ApplicationId, authorization_id = @AuthorizationId,
                concurrency_token = @NextConcurrencyToken, creation_date = @CreationDate,
                expiration_date = @ExpirationDate, payload = @Payload, properties = CAST(@Properties AS jsonb),
                redemption_date = @RedemptionDate, reference_id = @ReferenceId, status = @Status,
                subject = @Subject, type = @Type
            WHERE id = @Id AND concurrency_token = @ConcurrencyToken
            """, Parameters(token, next), cancellationToken);
        if (updated == 0)
        {
            throw new OpenIddictExceptions.ConcurrencyException(
                "The token was concurrently updated or deleted; reload it and try again.");
        }

        token.ConcurrencyToken = next;
    }

    private static object Parameters(OidcToken token, string nextConcurrencyToken) => new
    {
        Id = OidcStoreSql.RequireId(token.Id, "token"),
        ApplicationId = OidcStoreSql.OptionalId(token.ApplicationId, "application"),
        AuthorizationId = OidcStoreSql.OptionalId(token.AuthorizationId, "authorization"),
        token.ConcurrencyToken,
        NextConcurrencyToken = nextConcurrencyToken,
        token.CreationDate,
        token.ExpirationDate,
        token.Payload,
        token.Properties,
        token.RedemptionDate,
        token.ReferenceId,
        token.Status,
        token.Subject,
        token.Type,
    };
}
