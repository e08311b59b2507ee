using System.Text;
using Dapper;
using Npgsql;

namespace ServicePortal.Identity.OpenIdConnect.Stores;

/// <summary>
/// The few ways the OpenIddict stores talk to PostgreSQL: Dapper on a connection from the one
/// <see cref="NpgsqlDataSource"/>, the cancellation token always passed through <see cref="CommandDefinition"/>.
/// Dapper opens the connection for the command and closes it after, so no connection outlives a call.
/// </summary>
internal static class OidcStoreSql
{
    public static async Task<IReadOnlyList<T>> QueryAsync<T>(this NpgsqlDataSource dataSource, string sql,
        object? parameters, CancellationToken cancellationToken)
    {
        var connection = dataSource.CreateConnection();
        await using (connection)
        {
            var rows = await connection.QueryAsync<T>(
                new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
            return rows.AsList();
        }
    }

    public static async Task<T?> QuerySingleOrDefaultAsync<T>(this NpgsqlDataSource dataSource, string sql,
        object? parameters, CancellationToken cancellationToken)
    {
        var connection = dataSource.CreateConnection();
        await using (connection)
        {
            return await connection.QuerySingleOrDefaultAsync<T>(
                new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        }
    }

    public static async Task<T> ExecuteScalarAsync<T>(this NpgsqlDataSource dataSource, string sql,
        object? parameters, CancellationToken cancellationToken)
    {
        var connection = dataSource.CreateConnection();
        await using (connection)
        {
            var value = await connection.ExecuteScalarAsync<T>(
                new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
            return value!;
        }
    }

    public static async Task<int> ExecuteAsync(this NpgsqlDataSource dataSource, string sql, object? parameters,
        CancellationToken cancellationToken)
    {
        var connection = dataSource.CreateConnection();
        await using (connection)
        {
            return await connection.ExecuteAsync(
                new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        }
    }

    /// <summary>
    /// A query's rows as the <see cref="IAsyncEnumerable{T}"/> OpenIddict asks for. The rows are read in full
    /// before the first is handed out: a caller that touches the database while it enumerates (the managers
    /// do) then never waits on a connection this query still holds.
    /// </summary>
    public static async IAsyncEnumerable<T> StreamAsync<T>(this NpgsqlDataSource dataSource, string sql,
        object? parameters, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var row in await dataSource.QueryAsync<T>(sql, parameters, cancellationToken))
        {
            yield return row;
        }
    }

    /// <summary>
    /// Identifiers are uuids in the database and strings to OpenIddict. A string that is no uuid names no row
    /// (as with OpenIddict's own stores, where such an identifier simply matches nothing), instead of a
    /// PostgreSQL cast error.
    /// </summary>
    public static Guid? ParseId(string? identifier) =>
        Guid.TryParse(identifier, out var id) ? id : null;

    /// <summary>The identifier of a row this store writes: new rows get a time-ordered uuid (v7).</summary>
    public static Guid RequireId(string? identifier, string what) =>
        Guid.TryParse(identifier, out var id)
            ? id
            : throw new ArgumentException($"The {what} identifier '{identifier}' is not a uuid.", nameof(identifier));

    /// <summary>A reference to another row (an application, an authorization): none when empty.</summary>
    public static Guid? OptionalId(string? identifier, string what) =>
        string.IsNullOrEmpty(identifier) ? null : RequireId(identifier, what);

    /// <summary>timestamptz columns are read as UTC <see cref="DateTime"/>s.</summary>
    public static DateTimeOffset? ToOffset(DateTime? utc) =>
        utc is { } value ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)) : null;

    public static string NewConcurrencyToken() => Guid.NewGuid().ToString();

    /// <summary>
    /// The WHERE clause for the optional criteria of FindAsync and RevokeAsync on authorizations and tokens
    /// (null or empty means "any", as in OpenIddict's stores; <paramref name="client"/> is the application's
    /// identifier), or null when <paramref name="client"/> is no identifier at all, so nothing can match.
    /// </summary>
    public static (StringBuilder Where, DynamicParameters Parameters)? Filter(string? subject, string? client,
        string? status, string? type)
    {
        var where = new StringBuilder(" WHERE true");
        var parameters = new DynamicParameters();
        if (!string.IsNullOrEmpty(subject))
        {
            where.Append(" AND subject = @subject");
            parameters.Add("subject", subject);
        }

        if (!string.IsNullOrEmpty(client))
        {
            if (ParseId(client) is not { } applicationId)
            {
                return null;
            }

            where.Append(" AND application_id = @client");
            parameters.Add("client", applicationId);
        }

        if (!string.IsNullOrEmpty(status))
        {
            where.Append(" AND status = @status");
            parameters.Add("status", status);
        }

        if (!string.IsNullOrEmpty(type))
        {
            where.Append(" AND type = @type");
            parameters.Add("type", type);
        }

        return (where, parameters);
    }
}
