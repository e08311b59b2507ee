using System.Security.Cryptography;
using Npgsql;

namespace ServicePortal.Identity.OpenIdConnect;

/// <summary>
/// The <c>sub</c> a client sees: random, stable for one sector, different across sectors, and not derivable from the
/// NIN or the account id by anyone, because it is not derived at all (as GOV.UK One Login and MOSIP eSignet do,
/// pairwise per sector). See <see cref="SectorOf"/> for what a client's sector is.
/// </summary>
public sealed class PairwiseSubjects(NpgsqlDataSource dataSource) : Core.Audit.IAgencySubjects
{
    public const string PortalSector = "portal";

    /// <summary>The prefix of the sector of a client that has none configured: <c>client:{client_id}</c>.</summary>
    public const string ClientSectorPrefix = "client:";

    /// <summary>
    /// A client's sector: the <c>sector</c> its registration names, else the client itself (<c>client:{client_id}</c>).
    /// </summary>
    /// <remarks>
    /// OpenID Connect Core §8.1 takes the host of a client's redirect URI as its sector unless it registers a
    /// <c>sector_identifier_uri</c>. The portal does not: a native app redirects to loopback or to a custom scheme
    /// (RFC 8252), so every loopback app would share one sector with every other (a <c>sub</c> that joins people
    /// across unrelated apps) and a custom scheme has no host at all; and unrelated clients can share a host. So each
    /// client is its own sector, and clients of one organisation that must see the same <c>sub</c> (an agency's web
    /// app and its mobile app) are registered with the same <c>sector</c> property. That property is the portal's
    /// <c>sector_identifier_uri</c>: the portal has no dynamic registration, so instead of fetching a list of redirect
    /// URIs from the URI (§8.1), the administrator who registers the clients checks that they belong together. A
    /// configured sector is an opaque name (the agency's code or domain, e.g. <c>rita.go.tz</c>); <c>portal</c>,
    /// <c>client:…</c> and <c>agency:…</c> are the portal's own and must not be used for it.
    /// </remarks>
    public static string SectorOf(string? configuredSector, string clientId)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        return string.IsNullOrWhiteSpace(configuredSector) ? ClientSectorPrefix + clientId : configuredSector;
    }

    /// <summary>
    /// The account's subject in the sector, made on first use. Two first sign-ins at once (two nodes, two tabs) both
    /// try to insert; the second one's insert waits for the first and then does nothing, and its read, a statement of
    /// its own with a new snapshot, sees the row the first committed: one subject, never an error, never null.
    /// </summary>
    public async Task<string> ForAsync(Guid accountId, string sector, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand(
                         """
                         INSERT INTO identity.pairwise_subjects (account_id, sector, subject) VALUES ($1, $2, $3)
                         ON CONFLICT (account_id, sector) DO NOTHING
                         """, connection))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = accountId });
            insert.Parameters.Add(new NpgsqlParameter { Value = sector });
            insert.Parameters.Add(new NpgsqlParameter { Value = NewSubject() });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var select = new NpgsqlCommand(
            "SELECT subject FROM identity.pairwise_subjects WHERE account_id = $1 AND sector = $2", connection);
        select.Parameters.Add(new NpgsqlParameter { Value = accountId });
        select.Parameters.Add(new NpgsqlParameter { Value = sector });
        return await select.ExecuteScalarAsync(cancellationToken) as string
               ?? throw new InvalidOperationException("No pairwise subject after inserting one: the account is gone.");
    }

    /// <summary>Every subject the account has been given, in any sector (to revoke everything it holds).</summary>
    public async Task<IReadOnlyList<string>> AllOfAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT subject FROM identity.pairwise_subjects WHERE account_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var subjects = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            subjects.Add(reader.GetString(0));
        }

        return subjects;
    }

    /// <summary>The subjects agencies know the account by (sectors <c>agency:{code}</c>), for "who viewed my data".</summary>
    public async Task<IReadOnlyList<Core.Audit.AgencySubject>> OfAccountAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT substr(sector, 8), subject FROM identity.pairwise_subjects WHERE account_id = $1 AND sector LIKE 'agency:%'");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var subjects = new List<Core.Audit.AgencySubject>();
        while (await reader.ReadAsync(cancellationToken))
        {
            subjects.Add(new Core.Audit.AgencySubject(reader.GetString(0), reader.GetString(1)));
        }

        return subjects;
    }

    /// <summary>The account a subject belongs to (the userinfo endpoint's question).</summary>
    public async Task<Guid?> AccountOfAsync(string subject, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT account_id FROM identity.pairwise_subjects WHERE subject = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = subject });
        return await command.ExecuteScalarAsync(cancellationToken) as Guid?;
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
