using System.Security.Cryptography;
using Npgsql;

namespace ServicePortal.Identity.OpenIdConnect;

/// <summary>
/// The <c>sub</c> a client sees: random, stable for one sector (a client's sector identifier, by default the
/// host of its redirect URI), different across sectors, and not derivable from the NIN or the account id by
/// anyone, because it is not derived at all (as GOV.UK One Login and MOSIP eSignet do, pairwise per sector).
/// </summary>
public sealed class PairwiseSubjects(NpgsqlDataSource dataSource)
{
    public const string PortalSector = "portal";

    public async Task<string> ForAsync(Guid accountId, string sector, CancellationToken cancellationToken)
    {
        var candidate = NewSubject();
        await using var command = dataSource.CreateCommand(
            """
            WITH inserted AS (
                INSERT INTO identity.pairwise_subjects (account_id, sector, subject) VALUES ($1, $2, $3)
                ON CONFLICT (account_id, sector) DO NOTHING
                RETURNING subject)
            SELECT subject FROM inserted
            UNION ALL
            SELECT subject FROM identity.pairwise_subjects WHERE account_id = $1 AND sector = $2
            LIMIT 1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = sector });
        command.Parameters.Add(new NpgsqlParameter { Value = candidate });
        return (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Every subject the account has been given, in any sector (to revoke everything it holds).</summary>
    public async Task<IReadOnlyList<string>> AllOfAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT subject FROM identity.pairwise_subjects WHERE account_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var subjects = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            subjects.Add(reader.GetString(0));
        }

        return subjects;
    }

    /// <summary>The account a subject belongs to (the userinfo endpoint's question).</summary>
    public async Task<Guid?> AccountOfAsync(string subject, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT account_id FROM identity.pairwise_subjects WHERE subject = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = subject });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as Guid?;
    }

    // 130 random bits in lower-case base32: 26 characters.
    private static string NewSubject()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        Span<byte> bytes = stackalloc byte[26];
        RandomNumberGenerator.Fill(bytes);
        Span<char> chars = stackalloc char[26];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[bytes[i] & 31];
        }

        return new string(chars);
    }
}
