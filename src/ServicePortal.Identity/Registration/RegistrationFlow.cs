using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Core.Identity;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.OneTimeCodes;
using ServicePortal.Identity.Registry;
using ServicePortal.Identity.Session;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Registration;

/// <summary>
/// Proving who you are, for a new account or a forgotten password: the details are checked against the
/// national ID registry, which asks a question only the person should know (three attempts), then a code is
/// sent to the phone, then a password is chosen. Nothing is created until the last step succeeds; the steps
/// in between live in <c>identity.registrations</c> for half an hour.
/// </summary>
public sealed class RegistrationFlow(
    NpgsqlDataSource dataSource,
    INationalIdRegistry registry,
    AccountStore accounts,
    PasswordHashing passwords,
    OneTimeCodeService codes,
    SessionAccounts sessionAccounts,
    IOptions<IdentityOptions> options)
{
    public const string Register = "register";
    public const string ResetPassword = "reset_password";

    public async Task<StartResult> StartAsync(string purpose, NationalIdNumber nin, string firstName, string? middleName,
        string lastName, DateOnly dateOfBirth, string? phone, CancellationToken cancellationToken)
    {
        // The registry first: whether a NIN has an account is told only to someone whose names match it, as
        // sign-in tells an unknown NIN and a wrong password apart to nobody.
        var question = await registry.StartAsync(nin, firstName, lastName, dateOfBirth, cancellationToken).ConfigureAwait(false);
        switch (question)
        {
            case RegistryStart.NoMatch:
                return new StartResult.Refused(T(
                    "Taarifa hizi hazilingani na Daftari la Utambulisho wa Taifa. Angalia NIN, majina na tarehe ya kuzaliwa kama yalivyo kwenye kitambulisho chako.",
                    "These details do not match the national ID register. Check the NIN, the names and the date of birth as they are on your ID card."));
            case RegistryStart.Unavailable:
                return new StartResult.Refused(RegistryUnavailable);
        }

        var existing = await accounts.FindByNinAsync(nin, cancellationToken).ConfigureAwait(false);
        if (purpose == Register && existing is not null)
        {
            return new StartResult.Refused(T(
                "Tayari kuna akaunti ya NIN hii. Ingia, au kama umesahau nenosiri, lirejeshe.",
                "There is already an account for this NIN. Sign in, or reset your password if you have forgotten it."));
        }

        if (purpose == ResetPassword && existing is null)
        {
            return new StartResult.Refused(T("Hakuna akaunti ya NIN hii bado. Jisajili kwanza.",
                "There is no account for this NIN yet. Register first."));
        }

        var asked = (RegistryStart.Question)question;
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO identity.registrations (nin, first_name, middle_name, last_name, date_of_birth, phone, purpose,
                                                registry_verification, question_sw, question_en, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now() + $11)
            RETURNING id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = nin.Digits });
        command.Parameters.Add(new NpgsqlParameter { Value = firstName });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)middleName ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = lastName });
        command.Parameters.Add(new NpgsqlParameter { Value = dateOfBirth });
        command.Parameters.Add(new NpgsqlParameter { Value = purpose == ResetPassword ? existing!.Phone : phone! });
        command.Parameters.Add(new NpgsqlParameter { Value = purpose });
        command.Parameters.Add(new NpgsqlParameter { Value = asked.VerificationId });
        command.Parameters.Add(new NpgsqlParameter { Value = asked.Sw });
        command.Parameters.Add(new NpgsqlParameter { Value = asked.En });
        command.Parameters.Add(new NpgsqlParameter { Value = options.Value.RegistrationLifetime });
        var id = (Guid)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return new StartResult.Started(id);
    }

    /// <summary>The registration this browser is in (its cookie), if it has one that has not expired.</summary>
    public Task<PendingRegistration?> CurrentAsync(Microsoft.AspNetCore.Http.HttpContext context, CancellationToken cancellationToken) =>
        RegistrationCookie.Get(context) is { } id ? FindAsync(id, cancellationToken) : Task.FromResult<PendingRegistration?>(null);

    public async Task<PendingRegistration?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT id, nin, first_name, middle_name, last_name, date_of_birth, phone, purpose, registry_verification,
                   question_sw, question_en, registry_verified_at IS NOT NULL, phone_verified_at IS NOT NULL
            FROM identity.registrations WHERE id = $1 AND expires_at > now()
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new PendingRegistration(r.GetGuid(0), NationalIdNumber.Parse(r.GetString(1), DateOnly.MaxValue), r.GetString(2),
            r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.GetFieldValue<DateOnly>(5), r.GetString(6), r.GetString(7),
            r.GetString(8), r.GetString(9), r.GetString(10), r.GetBoolean(11), r.GetBoolean(12));
    }

    /// <summary>Answers the registry's question; when right, sends the code to the phone.</summary>
    public async Task<StepResult> AnswerAsync(PendingRegistration registration, string answer, string language,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var outcome = await registry.AnswerAsync(registration.RegistryVerification, answer, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case RegistryAnswer.Verified verified:
                await using (var command = dataSource.CreateCommand(
                    "UPDATE identity.registrations SET registry_verified_at = now(), middle_name = coalesce($2, middle_name) WHERE id = $1"))
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = registration.Id });
                    command.Parameters.Add(new NpgsqlParameter { Value = (object?)verified.MiddleName ?? DBNull.Value });
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await codes.IssueAsync(CodeSubject(registration), registration.Purpose, registration.Phone, language,
                    cancellationToken).ConfigureAwait(false);
                return new StepResult.Done();
            case RegistryAnswer.Wrong wrong:
                return new StepResult.Failed(T($"Jibu halilingani na daftari. Umebakiza majaribio {wrong.AttemptsLeft}.",
                    $"The answer does not match the register. You have {wrong.AttemptsLeft} attempts left."));
            case RegistryAnswer.Expired:
                await DeleteAsync(registration.Id, cancellationToken).ConfigureAwait(false);
                return new StepResult.Ended(T(
                    "Muda wa swali hili umeisha. Anza upya; hakuna kilichohifadhiwa.",
                    "This question has expired. Please start again; nothing was saved."));
            case RegistryAnswer.Locked:
                await DeleteAsync(registration.Id, cancellationToken).ConfigureAwait(false);
                return new StepResult.Ended(T(
                    "Hatukuweza kuthibitisha utambulisho wako. Anza upya baadaye, au tembelea ofisi ya NIDA iliyo karibu nawe.",
                    "We could not confirm your identity. Start again later, or visit your nearest NIDA office."));
            default:
                return new StepResult.Failed(RegistryUnavailable);
        }
    }

    public Task<CodeIssue> ResendCodeAsync(PendingRegistration registration, string language, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return codes.IssueAsync(CodeSubject(registration), registration.Purpose, registration.Phone, language, cancellationToken);
    }

    public async Task<CodeCheck> VerifyPhoneAsync(PendingRegistration registration, string? code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var check = await codes.VerifyAsync(CodeSubject(registration), registration.Purpose, code, cancellationToken).ConfigureAwait(false);
        if (check == CodeCheck.Right)
        {
            await using var command = dataSource.CreateCommand("UPDATE identity.registrations SET phone_verified_at = now() WHERE id = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = registration.Id });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return check;
    }

    /// <summary>
    /// The last step: the account is created (or its password replaced) and the registration removed, in one
    /// transaction. A second registration for the same NIN, even at the same moment, creates nothing.
    /// </summary>
    public async Task<CompleteResult> CompleteAsync(PendingRegistration registration, string password, string language,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (!registration.RegistryVerified || !registration.PhoneVerified)
        {
            return new CompleteResult.Refused(T("Hatua za awali hazijakamilika. Anza upya.", "The earlier steps are not complete. Start again."));
        }

        var hash = passwords.Hash(password);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        Guid accountId;
        if (registration.Purpose == Register)
        {
            var created = await AccountStore.CreateAsync(connection, transaction, new NewAccount(registration.Nin,
                registration.FirstName, registration.MiddleName, registration.LastName, registration.DateOfBirth,
                registration.Phone, language, hash), cancellationToken).ConfigureAwait(false);
            if (created is null)
            {
                return new CompleteResult.Refused(T("Tayari kuna akaunti ya NIN hii. Ingia.", "There is already an account for this NIN. Sign in."));
            }

            accountId = created.Value;
        }
        else
        {
            var account = await accounts.FindByNinAsync(registration.Nin, cancellationToken).ConfigureAwait(false);
            if (account is null)
            {
                return new CompleteResult.Refused(T("Hakuna akaunti ya NIN hii.", "There is no account for this NIN."));
            }

            await AccountStore.SetPasswordAsync(connection, transaction, account.Id, hash, cancellationToken).ConfigureAwait(false);
            accountId = account.Id;
        }

        await using (var delete = new NpgsqlCommand("DELETE FROM identity.registrations WHERE id = $1", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter { Value = registration.Id });
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        // The trigger's NOTIFY reaches every node, this one too, a moment after the commit; evicting here as
        // well means the very next request on this node already sees the new stamp.
        sessionAccounts.Evict(accountId);
        return new CompleteResult.Completed(accountId);
    }

    private async Task DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM identity.registrations WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string CodeSubject(PendingRegistration registration) => $"registration:{registration.Id}";

    public static string RegistryUnavailable => T(
        "Daftari la Utambulisho wa Taifa halipatikani kwa sasa. Hakuna kilichohifadhiwa; tafadhali jaribu tena baadaye.",
        "The national ID register cannot be reached right now. Nothing was saved; please try again later.");
}

public sealed record PendingRegistration(Guid Id, NationalIdNumber Nin, string FirstName, string? MiddleName, string LastName,
    DateOnly DateOfBirth, string Phone, string Purpose, string RegistryVerification, string QuestionSw, string QuestionEn,
    bool RegistryVerified, bool PhoneVerified);

public abstract record StartResult
{
    public sealed record Started(Guid Id) : StartResult;

    public sealed record Refused(string Message) : StartResult;
}

public abstract record StepResult
{
    public sealed record Done : StepResult;

    public sealed record Failed(string Message) : StepResult;

    /// <summary>The registration is over; start again.</summary>
    public sealed record Ended(string Message) : StepResult;
}

public abstract record CompleteResult
{
    public sealed record Completed(Guid AccountId) : CompleteResult;

    public sealed record Refused(string Message) : CompleteResult;
}
