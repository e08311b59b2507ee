using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Core.Messaging;
using ServicePortal.Core.Security;
using ServicePortal.Identity.Registration;

namespace ServicePortal.Identity.OneTimeCodes;

/// <summary>
/// Six-digit codes sent by SMS: valid for five minutes, five tries, a new one at most once a minute, and at most
/// <see cref="RegistrationOptions.CodesPerPhonePerHour"/> to one phone an hour whatever they are for (counted in
/// PostgreSQL, so across nodes). Only a hash is stored; the SMS goes through the outbox in the same transaction as
/// the code, in the person's language.
/// </summary>
public sealed class OneTimeCodeService(
    NpgsqlDataSource dataSource,
    IOptions<IdentityOptions> options,
    TimeProvider clock,
    AttemptLimits limits,
    IOptions<RegistrationOptions> registration)
{
    private IdentityOptions Options => options.Value;

    private AttemptLimit CodesPerPhone => new("identity.codes-per-phone", registration.Value.CodesPerPhonePerHour, TimeSpan.FromHours(1));

    /// <summary>Issues a code and queues its SMS, unless one was sent too recently (then: wait this long).</summary>
    public async Task<CodeIssue> IssueAsync(string subject, string purpose, string phone, string language,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Serialise issuing per subject so that a double click cannot send two codes at once.
        await using (var gate = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction))
        {
            gate.Parameters.Add(new NpgsqlParameter { Value = $"otp:{subject}:{purpose}" });
            await gate.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var last = new NpgsqlCommand(
            "SELECT max(created_at) FROM identity.one_time_codes WHERE subject = $1 AND purpose = $2", connection, transaction))
        {
            last.Parameters.Add(new NpgsqlParameter { Value = subject });
            last.Parameters.Add(new NpgsqlParameter { Value = purpose });
            if (await last.ExecuteScalarAsync(cancellationToken) is DateTime lastSent)
            {
                var wait = new DateTimeOffset(lastSent, TimeSpan.Zero) + Options.CodeResendInterval - clock.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    return new CodeIssue(false, wait);
                }
            }
        }

        // Counted only for a code that is about to be sent: a flood of codes to one phone (someone else's) stops here.
        var tally = await limits.CountAsync(CodesPerPhone, phone, cancellationToken);
        if (tally.Exceeded)
        {
            return new CodeIssue(false, tally.RetryAfter(clock.GetUtcNow()), PhoneLimitReached: true);
        }

        var id = Guid.NewGuid();
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        // A new code replaces the one before it.
        await using (var spend = new NpgsqlCommand(
            "UPDATE identity.one_time_codes SET consumed_at = now() WHERE subject = $1 AND purpose = $2 AND consumed_at IS NULL",
            connection, transaction))
        {
            spend.Parameters.Add(new NpgsqlParameter { Value = subject });
            spend.Parameters.Add(new NpgsqlParameter { Value = purpose });
            await spend.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO identity.one_time_codes (id, subject, purpose, phone, code_hash, expires_at)
            VALUES ($1, $2, $3, $4, $5, now() + $6)
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = id });
            insert.Parameters.Add(new NpgsqlParameter { Value = subject });
            insert.Parameters.Add(new NpgsqlParameter { Value = purpose });
            insert.Parameters.Add(new NpgsqlParameter { Value = phone });
            insert.Parameters.Add(new NpgsqlParameter { Value = Hash(id, code) });
            insert.Parameters.Add(new NpgsqlParameter { Value = Options.CodeLifetime });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var minutes = (int)Options.CodeLifetime.TotalMinutes;
        var body = language == "en"
            ? $"Your Government Services Portal code is {code}. It expires in {minutes} minutes. Never share it with anyone."
            : $"Namba yako ya uthibitisho ya Lango la Huduma za Serikali ni {code}. Inaisha baada ya dakika {minutes}. Usimpe mtu yeyote.";
        await Outbox.EnqueueAsync(connection, transaction, OutgoingMessage.ToPhone(phone, body, $"identity.{purpose}"),
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CodeIssue(true, TimeSpan.Zero);
    }

    /// <summary>Checks a code. Every wrong try counts; the fifth wrong try spends the code.</summary>
    public async Task<CodeCheck> VerifyAsync(string subject, string purpose, string? code, CancellationToken cancellationToken)
    {
        var typed = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
        await using var command = dataSource.CreateCommand(
            """
            UPDATE identity.one_time_codes c
            SET attempts = c.attempts + 1
            WHERE c.id = (SELECT id FROM identity.one_time_codes
                          WHERE subject = $1 AND purpose = $2 AND consumed_at IS NULL
                          ORDER BY created_at DESC LIMIT 1)
            RETURNING c.id, c.code_hash, c.attempts, c.expires_at < now()
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = subject });
        command.Parameters.Add(new NpgsqlParameter { Value = purpose });
        Guid id;
        byte[] hash;
        int attempts;
        bool expired;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return CodeCheck.NoCode;
            }

            (id, hash, attempts, expired) = (reader.GetGuid(0), (byte[])reader[1], reader.GetInt32(2), reader.GetBoolean(3));
        }

        if (expired)
        {
            await ConsumeAsync(id, cancellationToken);
            return CodeCheck.Expired;
        }

        if (attempts > Options.CodeMaxAttempts)
        {
            await ConsumeAsync(id, cancellationToken);
            return CodeCheck.TooManyAttempts;
        }

        if (typed.Length == 6 && CryptographicOperations.FixedTimeEquals(hash, Hash(id, typed)))
        {
            // A code used rightly is removed, not just spent: it no longer holds back the next one, so signing in
            // again within the resend interval still sends a code. Only someone who has the phone can do this.
            await using var delete = dataSource.CreateCommand("DELETE FROM identity.one_time_codes WHERE id = $1");
            delete.Parameters.Add(new NpgsqlParameter { Value = id });
            await delete.ExecuteNonQueryAsync(cancellationToken);
            return CodeCheck.Right;
        }

        if (attempts >= Options.CodeMaxAttempts)
        {
            await ConsumeAsync(id, cancellationToken);
            return CodeCheck.TooManyAttempts;
        }

        return CodeCheck.Wrong;
    }

    private async Task ConsumeAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE identity.one_time_codes SET consumed_at = now() WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static byte[] Hash(Guid id, string code) => SHA256.HashData(Encoding.UTF8.GetBytes($"{id:N}:{code}"));
}

/// <param name="Sent">A code went out.</param>
/// <param name="RetryAfter">When not sent: how long until one can be.</param>
/// <param name="PhoneLimitReached">When not sent: the phone has had its codes for this hour (not just one a minute ago).</param>
public sealed record CodeIssue(bool Sent, TimeSpan RetryAfter, bool PhoneLimitReached = false);

public enum CodeCheck
{
    Right,
    Wrong,
    Expired,
    TooManyAttempts,
    NoCode,
}
