using Dapper;
using Npgsql;
using ServicePortal.Core.Identity;

namespace ServicePortal.Identity.Accounts;

/// <summary>The Identity module's answer to <see cref="ICitizenAccounts"/> (the helpdesk's find and case screens).</summary>
internal sealed class CitizenAccountDirectory(NpgsqlDataSource dataSource) : ICitizenAccounts
{
    private const int MaxPerPhone = 10;

    private const string Columns =
        """
        id AS AccountId, concat_ws(' ', first_name, middle_name, last_name) AS FullName, nin AS Nin, phone AS Phone,
        email AS Email, language AS Language, created_at AS CreatedAt, coalesce(locked_until > now(), false) AS Locked
        """;

    private sealed record Row(Guid AccountId, string FullName, string Nin, string Phone, string? Email, string Language,
        DateTime CreatedAt, bool Locked)
    {
        public CitizenAccount ToAccount() => new(AccountId, FullName, NationalIdNumber.Parse(Nin, DateOnly.MaxValue), Phone, Email,
            Language, CreatedAt, Locked);
    }

    public async Task<CitizenAccount?> FindByIdAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM identity.accounts WHERE id = @accountId", new { accountId }, cancellationToken: cancellationToken));
        return row?.ToAccount();
    }

    public async Task<CitizenAccount?> FindByNinAsync(NationalIdNumber nin, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM identity.accounts WHERE nin = @nin", new { nin = nin.Digits }, cancellationToken: cancellationToken));
        return row?.ToAccount();
    }

    public async Task<IReadOnlyList<CitizenAccount>> FindByPhoneAsync(string phone, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM identity.accounts WHERE phone = @phone ORDER BY created_at LIMIT {MaxPerPhone}",
            new { phone }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToAccount())];
    }
}
