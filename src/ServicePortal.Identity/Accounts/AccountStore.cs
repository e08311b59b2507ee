using Npgsql;
using ServicePortal.Core.Identity;

namespace ServicePortal.Identity.Accounts;

/// <summary>Accounts in <c>identity.accounts</c>: every read and write of them goes through here.</summary>
public sealed class AccountStore(NpgsqlDataSource dataSource)
{
    public async Task<Account?> FindByNinAsync(NationalIdNumber nin, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Account.Columns} FROM identity.accounts WHERE nin = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = nin.Digits });
        return await ReadOneAsync(command, cancellationToken);
    }

    public async Task<Account?> FindByIdAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Account.Columns} FROM identity.accounts WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await ReadOneAsync(command, cancellationToken);
    }

    /// <summary>How to reach these accounts' owners (for notices), in one query.</summary>
    public async Task<IReadOnlyDictionary<Guid, Core.Identity.CitizenContact>> ContactsAsync(IReadOnlyCollection<Guid> ids,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, first_name, phone, email, language FROM identity.accounts WHERE id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var contacts = new Dictionary<Guid, Core.Identity.CitizenContact>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetGuid(0);
            contacts[id] = new Core.Identity.CitizenContact(id, reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4));
        }

        return contacts;
    }

    /// <summary>Creates the account, or returns null when one already exists for the NIN.</summary>
    public static async Task<Guid?> CreateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        NewAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO identity.accounts (nin, first_name, middle_name, last_name, date_of_birth, phone, language, password_hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (nin) DO NOTHING
            RETURNING id
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = account.Nin.Digits });
        command.Parameters.Add(new NpgsqlParameter { Value = account.FirstName });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)account.MiddleName ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = account.LastName });
        command.Parameters.Add(new NpgsqlParameter { Value = account.DateOfBirth });
        command.Parameters.Add(new NpgsqlParameter { Value = account.Phone });
        command.Parameters.Add(new NpgsqlParameter { Value = account.Language });
        command.Parameters.Add(new NpgsqlParameter { Value = account.PasswordHash });
        return await command.ExecuteScalarAsync(cancellationToken) as Guid?;
    }

    /// <summary>A new password ends every session: the security stamp changes and the lock is lifted.</summary>
    public static async Task SetPasswordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id,
        string passwordHash, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE identity.accounts
            SET password_hash = $2, security_stamp = gen_random_uuid(), failed_attempts = 0, locked_until = NULL,
                updated_at = now()
            WHERE id = $1
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = passwordHash });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The same password hashed again at today's cost (ASP.NET Core Identity's <c>SuccessRehashNeeded</c>). Not a new
    /// password: the security stamp, and so every session and token, stays. Only over the hash it replaces, so a new
    /// password set meanwhile is never overwritten.
    /// </summary>
    public async Task RehashPasswordAsync(Guid id, string oldHash, string newHash, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE identity.accounts SET password_hash = $3 WHERE id = $1 AND password_hash = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = oldHash });
        command.Parameters.Add(new NpgsqlParameter { Value = newHash });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AccountRole>> RolesAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT role, agency_code FROM identity.account_roles WHERE account_id = $1 ORDER BY role, agency_code");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var roles = new List<AccountRole>();
        while (await reader.ReadAsync(cancellationToken))
        {
            roles.Add(new AccountRole(reader.GetString(0), reader.GetString(1)));
        }

        return roles;
    }

    private static async Task<Account?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Account.Read(reader) : null;
    }
}

public sealed record NewAccount(NationalIdNumber Nin, string FirstName, string? MiddleName, string LastName,
    DateOnly DateOfBirth, string Phone, string Language, string PasswordHash);
