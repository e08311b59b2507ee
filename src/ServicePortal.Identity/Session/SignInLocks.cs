using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Messaging;
using ServicePortal.Identity.Accounts;

namespace ServicePortal.Identity.Session;

/// <summary>
/// The lock, as OWASP's "device cookie" pattern has it: wrong passwords and codes are counted per NIN (whether
/// or not it has an account) and per device. Browsers that never completed a sign-in to the account share one
/// count; each browser that did (<see cref="TrustedDevices"/>) has its own. The 6th in a row (within two hours of
/// each other) locks that count for two hours, as GOV.UK One Login: a stranger who knows a NIN locks out only
/// strangers' browsers, and the owner keeps signing in on theirs. When a lock starts, the account's phone is
/// told, once. Only a complete sign-in (password and second factor) clears a count; so does a new password.
/// Every attempt is reserved in the count before it is checked (<see cref="ReserveAsync"/>), so parallel attempts
/// get no more checks than sequential ones.
/// </summary>
public sealed class SignInLocks(NpgsqlDataSource dataSource, IOptions<IdentityOptions> options, TimeProvider clock)
{
    /// <summary>The count shared by every browser that has not signed in to the account.</summary>
    public const string UntrustedDevices = "";

    private IdentityOptions Options => options.Value;

    /// <summary>Until when this NIN is locked on this device, if it is.</summary>
    public async Task<DateTimeOffset?> LockedUntilAsync(NationalIdNumber nin, string device, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT locked_until FROM identity.sign_in_locks WHERE nin_hash = $1 AND device = $2 AND locked_until > $3");
        command.Parameters.Add(new NpgsqlParameter { Value = Hash(nin.Digits) });
        command.Parameters.Add(new NpgsqlParameter { Value = device });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime until
            ? new DateTimeOffset(until, TimeSpan.Zero)
            : null;
    }

    /// <summary>
    /// Reserves one attempt in the count of this NIN on this device, BEFORE its password or code is checked: the row
    /// is locked for the transaction and the count raised in it, so that any number of attempts at once, on any
    /// number of nodes, get no more checks than one at a time. Refused when the count is locked, or when the
    /// attempt that may start the lock (the <see cref="IdentityOptions.LockoutThreshold"/>th) is still being checked.
    /// A reserved attempt ends in <see cref="WrongAsync"/> or <see cref="RightAsync"/> (or <see cref="ResetAsync"/>).
    /// </summary>
    public async Task<AttemptReservation> ReserveAsync(NationalIdNumber nin, string device, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var ninHash = Hash(nin.Digits);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The row as it is, locked for this transaction (a no-op update of an existing row returns it unchanged).
        int failures;
        DateTimeOffset? lockedUntil;
        DateTimeOffset updatedAt;
        await using (var read = new NpgsqlCommand(
                         """
                         WITH tidy AS (
                             DELETE FROM identity.sign_in_locks
                             WHERE ctid = ANY (ARRAY(SELECT ctid FROM identity.sign_in_locks
                                                     WHERE updated_at < $3 - interval '1 day' AND (locked_until IS NULL OR locked_until < $3)
                                                       AND NOT (nin_hash = $1 AND device = $2) -- never the row counted below
                                                     LIMIT 20))
                         )
                         INSERT INTO identity.sign_in_locks AS l (nin_hash, device, failures, updated_at) VALUES ($1, $2, 0, $3)
                         ON CONFLICT (nin_hash, device) DO UPDATE SET nin_hash = EXCLUDED.nin_hash
                         RETURNING l.failures, l.locked_until, l.updated_at
                         """, connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = ninHash });
            read.Parameters.Add(new NpgsqlParameter { Value = device });
            read.Parameters.Add(new NpgsqlParameter { Value = now });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            failures = reader.GetInt32(0);
            lockedUntil = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
            updatedAt = reader.GetFieldValue<DateTimeOffset>(2);
        }

        if (lockedUntil > now)
        {
            await transaction.CommitAsync(cancellationToken);
            return new AttemptReservation.Refused(lockedUntil.Value);
        }

        // Failures long apart are not a run: a wrong password this week does not add to one last month.
        failures = now - updatedAt > Options.LockoutDuration ? 0 : failures;
        if (failures >= Options.LockoutThreshold)
        {
            // The attempt that may start the lock is being checked right now: this one waits as if it had.
            await transaction.CommitAsync(cancellationToken);
            return new AttemptReservation.Refused(now + Options.LockoutDuration);
        }

        await using (var update = new NpgsqlCommand(
                         "UPDATE identity.sign_in_locks SET failures = $3, locked_until = NULL, updated_at = $4 WHERE nin_hash = $1 AND device = $2",
                         connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter { Value = ninHash });
            update.Parameters.Add(new NpgsqlParameter { Value = device });
            update.Parameters.Add(new NpgsqlParameter { Value = failures + 1 });
            update.Parameters.Add(new NpgsqlParameter { Value = now });
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new AttemptReservation.Granted(failures + 1);
    }

    /// <summary>
    /// The reserved attempt was wrong: it stays counted. When it was the <see cref="IdentityOptions.LockoutThreshold"/>th,
    /// the lock starts (and the account's phone, if the NIN has an account, is told in the same transaction); then
    /// its end is returned.
    /// </summary>
    public async Task<DateTimeOffset?> WrongAsync(NationalIdNumber nin, string device, Account? account, AttemptReservation.Granted reservation,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (reservation.Number < Options.LockoutThreshold)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var until = now + Options.LockoutDuration;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int started;
        await using (var update = new NpgsqlCommand(
                         """
                         UPDATE identity.sign_in_locks SET failures = 0, locked_until = $3, updated_at = $4
                         WHERE nin_hash = $1 AND device = $2 AND (locked_until IS NULL OR locked_until <= $4)
                         """, connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter { Value = Hash(nin.Digits) });
            update.Parameters.Add(new NpgsqlParameter { Value = device });
            update.Parameters.Add(new NpgsqlParameter { Value = until });
            update.Parameters.Add(new NpgsqlParameter { Value = now });
            started = await update.ExecuteNonQueryAsync(cancellationToken);
        }

        if (started > 0 && account is not null)
        {
            await Outbox.EnqueueAsync(connection, transaction,
                OutgoingMessage.ToPhone(account.Phone, LockNotice(until, device != UntrustedDevices, account.Language), "identity.lock"),
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return until;
    }

    /// <summary>
    /// The reserved attempt was right (a password, before its second factor): its reservation is given back, so a
    /// right password costs nothing; the wrong attempts before it stay counted (only a complete sign-in clears them).
    /// </summary>
    public async Task RightAsync(NationalIdNumber nin, string device, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            UPDATE identity.sign_in_locks SET failures = greatest(failures - 1, 0)
            WHERE nin_hash = $1 AND device = $2 AND (locked_until IS NULL OR locked_until <= $3)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Hash(nin.Digits) });
        command.Parameters.Add(new NpgsqlParameter { Value = device });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A complete sign-in on this device: its count starts again.</summary>
    public async Task ResetAsync(NationalIdNumber nin, string device, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM identity.sign_in_locks WHERE nin_hash = $1 AND device = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = Hash(nin.Digits) });
        command.Parameters.Add(new NpgsqlParameter { Value = device });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Whether the NIN is locked on any device now (what assisted recovery shows the helpdesk).</summary>
    public static async Task<bool> IsLockedAnywhereAsync(Npgsql.NpgsqlDataSource dataSource, string ninDigits, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM identity.sign_in_locks WHERE nin_hash = $1 AND locked_until > $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = Hash(ninDigits) });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>A new password: every count and lock of the NIN is lifted (in the caller's transaction).</summary>
    public static async Task ClearAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string ninDigits,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("DELETE FROM identity.sign_in_locks WHERE nin_hash = $1", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = Hash(ninDigits) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The SMS to the account's phone when a lock starts, in the account's language.</summary>
    public static string LockNotice(DateTimeOffset until, bool oneDevice, string language)
    {
        var time = until.ToOffset(TimeSpan.FromHours(3)).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        if (language == "en")
        {
            var paused = oneDevice ? "Signing in on one of the devices you use is paused" : "Signing in on new devices is paused";
            return $"Government Services Portal: there were several wrong attempts to sign in to your account. {paused} until {time} East Africa Time. " +
                   "You can still sign in on a device you have signed in on before. Never share your password or codes with anyone.";
        }

        var kumesitishwa = oneDevice ? "Kuingia kwenye mojawapo ya vifaa unavyotumia kumesitishwa" : "Kuingia kwenye vifaa vipya kumesitishwa";
        return $"Lango la Huduma za Serikali: kumekuwa na majaribio kadhaa yasiyo sahihi ya kuingia kwenye akaunti yako. {kumesitishwa} hadi saa {time} (saa za Afrika Mashariki). " +
               "Bado unaweza kuingia kwenye kifaa ulichotumia kuingia awali. Usimpe mtu yeyote nenosiri wala namba zako.";
    }

    /// <summary>The NIN as the table keeps it: a SHA-256, so the table says how often, never whose.</summary>
    private static byte[] Hash(string ninDigits) => SHA256.HashData(Encoding.ASCII.GetBytes("nin:" + ninDigits));
}

/// <summary>Whether an attempt may be checked (<see cref="SignInLocks.ReserveAsync"/>).</summary>
public abstract record AttemptReservation
{
    /// <param name="Number">The attempt's place in the run of attempts not yet known right (this one included).</param>
    public sealed record Granted(int Number) : AttemptReservation;

    /// <summary>Locked until then (or the attempt that may lock is being checked): refuse without checking.</summary>
    public sealed record Refused(DateTimeOffset Until) : AttemptReservation;
}
