using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Core.Audit;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Messaging;
using ServicePortal.Core.Staff;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.Registry;
using ServicePortal.Identity.Session;

namespace ServicePortal.Identity.Recovery;

/// <summary>A helpdesk case of assisted recovery: one citizen looked up by one staff member, with a stated reason.</summary>
public sealed record RecoveryCase(Guid Id, Guid AccountId, Guid OpenedBy, string OpenedRole, string Reason, DateTimeOffset OpenedAt,
    string? VerificationId, string[]? RegistryPhones, string? Kind, string? NewPhone, Guid? AskedBy, DateTimeOffset? AskedAt,
    string Status, Guid? DecidedBy, DateTimeOffset? DecidedAt)
{
    public const string Phone = "phone";
    public const string Factors = "factors";
}

/// <summary>The staff member acting, and the role claim they act in (what the access log records).</summary>
public sealed record RecoveryStaff(Guid AccountId, string Role)
{
    public bool IsSupervisor => Role == StaffRoles.HelpdeskSupervisor;
}

/// <summary>What a step came to: done, or refused with a sentence for the page (sw/en chosen by the caller's language).</summary>
public sealed record RecoveryStep(bool Done, string? Refusal = null)
{
    public static RecoveryStep Ok { get; } = new(true);

    public static RecoveryStep No(string refusal) => new(false, refusal);
}

/// <summary>
/// Assisted recovery for helpdesk staff (issue 12), as GOV.UK One Login and login.gov recover the accounts they cannot
/// recover online: unlock a locked account (one person); change a lost phone to one the national ID registry holds
/// for the NIN, after the registry's question is answered; reset a lost authenticator app and the passkeys. A change
/// of phone or factors is asked by one staff member and decided by a <c>helpdesk_supervisor</c> who did not ask
/// (four eyes, also a database constraint). Every step writes the access log (action <c>recovery</c>, with the
/// case's reason) in the transaction of the step, and every change is texted to the account's registered phone
/// (the old one, for a phone change) through the outbox, in the same transaction.
/// </summary>
public sealed class AssistedRecovery(
    NpgsqlDataSource dataSource,
    AccountStore accounts,
    AccountSecurityEvents events,
    INationalIdRegistry registry,
    IOptions<Core.Hosting.PortalContact> contact,
    TimeProvider clock)
{
    public const string SmsPurpose = "identity.recovery";

    /// <summary>Opens a case for the account of this NIN, recorded as an access with the reason; null when the NIN has no account or is the staff member's own.</summary>
    public async Task<(Guid? CaseId, string? Refusal)> OpenAsync(RecoveryStaff staff, NationalIdNumber nin, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(staff);
        var account = await accounts.FindByNinAsync(nin, cancellationToken);
        if (account is null)
        {
            return (null, Core.Localization.Lang.T("Hakuna akaunti ya NIN hii.", "There is no account for this NIN."));
        }

        if (account.Id == staff.AccountId)
        {
            return (null, Core.Localization.Lang.T("Huwezi kushughulikia akaunti yako mwenyewe. Mwombe mtumishi mwingine.",
                "You cannot work on your own account. Ask another member of staff."));
        }

        var id = Guid.NewGuid();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO identity.recovery_cases (id, account_id, opened_by, opened_role, reason, opened_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = id });
            insert.Parameters.Add(new NpgsqlParameter { Value = account.Id });
            insert.Parameters.Add(new NpgsqlParameter { Value = staff.AccountId });
            insert.Parameters.Add(new NpgsqlParameter { Value = staff.Role });
            insert.Parameters.Add(new NpgsqlParameter { Value = reason.Trim() });
            insert.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await LogAsync(connection, transaction, account.Id, staff, "akaunti: kufunguliwa kwa msaada / opened for recovery", reason, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (id, null);
    }

    /// <summary>
    /// The case, when this staff member may see it: the one who opened it, or a supervisor once a change is asked.
    /// Anyone else gets nothing (the page answers 404).
    /// </summary>
    public async Task<RecoveryCase?> FindAsync(Guid id, RecoveryStaff staff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(staff);
        var found = await ReadAsync(id, cancellationToken);
        return found is not null && (found.OpenedBy == staff.AccountId || (staff.IsSupervisor && found.Status != "open")) ? found : null;
    }

    /// <summary>A look at the case's account (its page), recorded as an access in the transaction of the read.</summary>
    public async Task<Account?> ViewAsync(RecoveryCase @case, RecoveryStaff staff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@case);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var account = await accounts.FindByIdAsync(@case.AccountId, cancellationToken);
        if (account is not null)
        {
            await LogAsync(connection, transaction, account.Id, staff, "akaunti: kuangalia / viewed", @case.Reason, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return account;
    }

    public Task<bool> IsLockedAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        return SignInLocks.IsLockedAnywhereAsync(dataSource, account.Nin.Digits, clock.GetUtcNow(), cancellationToken);
    }

    /// <summary>Changes asked and waiting for a supervisor, oldest first.</summary>
    public async Task<IReadOnlyList<RecoveryCase>> ListAskedAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Select + " WHERE status = 'asked' ORDER BY asked_at LIMIT 100");
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>Unlocks the account's sign-in (every device's count of wrong attempts), logged and texted.</summary>
    public async Task<RecoveryStep> UnlockAsync(RecoveryCase @case, RecoveryStaff staff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@case);
        var account = await accounts.FindByIdAsync(@case.AccountId, cancellationToken);
        if (account is null)
        {
            return RecoveryStep.No(Core.Localization.Lang.T("Akaunti haipo tena.", "The account no longer exists."));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await SignInLocks.ClearAsync(connection, transaction, account.Nin.Digits, cancellationToken);
        await using (var reset = new NpgsqlCommand(
            "UPDATE identity.accounts SET failed_attempts = 0, locked_until = NULL, updated_at = now() WHERE id = $1", connection, transaction))
        {
            reset.Parameters.Add(new NpgsqlParameter { Value = account.Id });
            await reset.ExecuteNonQueryAsync(cancellationToken);
        }

        await LogAsync(connection, transaction, account.Id, staff, "akaunti: kufunguliwa / unlocked", @case.Reason, cancellationToken);
        await TextAsync(connection, transaction, account.Phone, account.Language,
            "akaunti yako imefunguliwa na dawati la msaada; unaweza kuingia tena",
            "your account was unlocked by the helpdesk; you can sign in again", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return RecoveryStep.Ok;
    }

    /// <summary>Asks the national ID registry its question for the account's person (the citizen answers it to the staff member).</summary>
    public async Task<RegistryStart> AskRegistryAsync(RecoveryCase @case, RecoveryStaff staff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@case);
        var account = await accounts.FindByIdAsync(@case.AccountId, cancellationToken);
        if (account is null)
        {
            return new RegistryStart.NoMatch();
        }

        var start = await registry.StartAsync(account.Nin, account.FirstName, account.LastName, account.DateOfBirth, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await SetAsync(connection, transaction, @case.Id, "verification_id = $2, registry_phones = NULL, registry_at = NULL",
            start is RegistryStart.Question q ? q.VerificationId : null, cancellationToken);
        await LogAsync(connection, transaction, account.Id, staff, "akaunti: swali la NIDA / registry question", @case.Reason, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return start;
    }

    /// <summary>The citizen's answer to the registry's question; when right, the registry's numbers are kept on the case.</summary>
    public async Task<RegistryAnswer> AnswerRegistryAsync(RecoveryCase @case, RecoveryStaff staff, string answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@case);
        if (@case.VerificationId is null)
        {
            return new RegistryAnswer.Expired();
        }

        var result = await registry.AnswerAsync(@case.VerificationId, answer, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (result is RegistryAnswer.Verified verified)
        {
            await using var keep = new NpgsqlCommand(
                "UPDATE identity.recovery_cases SET verification_id = NULL, registry_phones = $2, registry_at = $3 WHERE id = $1", connection, transaction);
            keep.Parameters.Add(new NpgsqlParameter { Value = @case.Id });
            keep.Parameters.Add(new NpgsqlParameter { Value = verified.Phones.ToArray() });
            keep.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
            await keep.ExecuteNonQueryAsync(cancellationToken);
        }
        else if (result is not RegistryAnswer.Wrong)
        {
            await SetAsync(connection, transaction, @case.Id, "verification_id = $2", null, cancellationToken);
        }

        await LogAsync(connection, transaction, @case.AccountId, staff,
            result is RegistryAnswer.Verified ? "akaunti: jibu sahihi la NIDA / registry answered rightly" : "akaunti: jibu la NIDA halikukubaliwa / registry answer refused",
            @case.Reason, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Asks for a change, for a supervisor to decide: a new phone (one of the registry's numbers, chosen by position,
    /// other than the account's) or the reset of the authenticator app and passkeys. Texted to the registered phone.
    /// </summary>
    public async Task<RecoveryStep> AskAsync(RecoveryCase @case, RecoveryStaff staff, string kind, int? phoneIndex, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@case);
        var account = await accounts.FindByIdAsync(@case.AccountId, cancellationToken);
        if (account is null || @case.Status != "open" || @case.OpenedBy != staff.AccountId)
        {
            return RecoveryStep.No(Core.Localization.Lang.T("Ombi hili haliwezi kuombwa sasa.", "This change cannot be asked for now."));
        }

        string? newPhone = null;
        if (kind == RecoveryCase.Phone)
        {
            var phones = @case.RegistryPhones ?? [];
            if (phoneIndex is not { } index || index < 0 || index >= phones.Length || phones[index] == account.Phone)
            {
                return RecoveryStep.No(Core.Localization.Lang.T(
                    "Chagua namba mpya kati ya zile NIDA inazoshikilia (baada ya swali la NIDA kujibiwa sawasawa).",
                    "Choose the new number among those the registry holds (after the registry's question was answered rightly)."));
            }

            newPhone = phones[index];
        }
        else if (kind != RecoveryCase.Factors)
        {
            return RecoveryStep.No(Core.Localization.Lang.T("Chagua badiliko.", "Choose a change."));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var ask = new NpgsqlCommand(
            """
            UPDATE identity.recovery_cases SET kind = $2, new_phone = $3, asked_by = $4, asked_at = $5, status = 'asked'
            WHERE id = $1 AND status = 'open'
            """, connection, transaction))
        {
            ask.Parameters.Add(new NpgsqlParameter { Value = @case.Id });
            ask.Parameters.Add(new NpgsqlParameter { Value = kind });
            ask.Parameters.Add(new NpgsqlParameter { Value = (object?)newPhone ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            ask.Parameters.Add(new NpgsqlParameter { Value = staff.AccountId });
            ask.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
            if (await ask.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return RecoveryStep.No(Core.Localization.Lang.T("Ombi hili haliwezi kuombwa sasa.", "This change cannot be asked for now."));
            }
        }

        await LogAsync(connection, transaction, account.Id, staff,
            kind == RecoveryCase.Phone ? "akaunti: ombi la kubadilisha simu / phone change asked" : "akaunti: ombi la kuweka upya njia ya pili / factor reset asked",
            @case.Reason, cancellationToken);
        await TextAsync(connection, transaction, account.Phone, account.Language,
            kind == RecoveryCase.Phone
                ? "dawati la msaada limeomba kubadilisha namba ya simu ya akaunti yako; msimamizi ataamua"
                : "dawati la msaada limeomba kuondoa programu ya uthibitisho na passkey za akaunti yako; msimamizi ataamua",
            kind == RecoveryCase.Phone
                ? "the helpdesk asked to change the phone number of your account; a supervisor will decide"
                : "the helpdesk asked to remove the authenticator app and passkeys of your account; a supervisor will decide",
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return RecoveryStep.Ok;
    }

    /// <summary>
    /// A supervisor's decision on an asked change. The one who asked cannot decide it (four eyes), nor can anyone but a
    /// <c>helpdesk_supervisor</c>. An approval makes the change as the account's own change would (other sessions and
    /// tokens end, the registered phone is texted); a refusal is texted too. Both are logged.
    /// </summary>
    public async Task<RecoveryStep> DecideAsync(RecoveryCase @case, RecoveryStaff staff, bool approve, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@case);
        ArgumentNullException.ThrowIfNull(staff);
        if (!staff.IsSupervisor)
        {
            return RecoveryStep.No(Core.Localization.Lang.T("Msimamizi wa dawati la msaada pekee ndiye anayeamua.", "Only a helpdesk supervisor decides."));
        }

        if (@case.AskedBy == staff.AccountId)
        {
            return RecoveryStep.No(Core.Localization.Lang.T(
                "Uliomba badiliko hili, kwa hiyo huwezi kuliamua. Msimamizi mwingine ataamua.",
                "You asked for this change, so you cannot decide it. Another supervisor will."));
        }

        var account = await accounts.FindByIdAsync(@case.AccountId, cancellationToken);
        if (account is null || @case.Status != "asked")
        {
            return RecoveryStep.No(Core.Localization.Lang.T("Hakuna ombi linalosubiri uamuzi.", "There is no change waiting for a decision."));
        }

        var decided = false;
        async Task Decide(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken token)
        {
            await using (var decide = new NpgsqlCommand(
                """
                UPDATE identity.recovery_cases SET status = $2, decided_by = $3, decided_at = $4
                WHERE id = $1 AND status = 'asked' AND asked_by <> $3
                """, connection, transaction))
            {
                decide.Parameters.Add(new NpgsqlParameter { Value = @case.Id });
                decide.Parameters.Add(new NpgsqlParameter { Value = approve ? "approved" : "refused" });
                decide.Parameters.Add(new NpgsqlParameter { Value = staff.AccountId });
                decide.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
                decided = await decide.ExecuteNonQueryAsync(token) == 1;
            }

            if (!decided)
            {
                throw new NotDecidedException(); // decided by someone else meanwhile: roll back
            }

            if (approve && @case.Kind == RecoveryCase.Phone)
            {
                await using var phone = new NpgsqlCommand("UPDATE identity.accounts SET phone = $2, updated_at = now() WHERE id = $1", connection, transaction);
                phone.Parameters.Add(new NpgsqlParameter { Value = account.Id });
                phone.Parameters.Add(new NpgsqlParameter { Value = @case.NewPhone! });
                await phone.ExecuteNonQueryAsync(token);
            }
            else if (approve)
            {
                await Authenticator.AuthenticatorApp.DisableAsync(connection, transaction, account.Id, token);
                await Passkeys.PasskeyService.RemoveAllAsync(connection, transaction, account.Id, token);
            }

            await LogAsync(connection, transaction, account.Id, staff,
                approve
                    ? (@case.Kind == RecoveryCase.Phone ? "akaunti: simu imebadilishwa / phone changed" : "akaunti: njia ya pili imewekwa upya / factors reset")
                    : "akaunti: ombi limekataliwa / change refused",
                @case.Reason, token);
            if (!approve)
            {
                await TextAsync(connection, transaction, account.Phone, account.Language,
                    "ombi la dawati la msaada kubadilisha akaunti yako limekataliwa; hakuna kilichobadilika",
                    "the helpdesk's request to change your account was refused; nothing changed", token);
            }
        }

        try
        {
            if (approve)
            {
                // As the account's own change: the registered (old) phone is texted, other sessions and tokens end.
                await events.ApplyAsync(new AccountSecurityChange(account.Id,
                        @case.Kind == RecoveryCase.Phone ? SecurityChange.Phone : SecurityChange.SecondFactor, PreviousPhone: account.Phone),
                    Decide, cancellationToken);
            }
            else
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await Decide(connection, transaction, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
        }
        catch (NotDecidedException)
        {
            return RecoveryStep.No(Core.Localization.Lang.T("Hakuna ombi linalosubiri uamuzi.", "There is no change waiting for a decision."));
        }

        return RecoveryStep.Ok;
    }

    private static Task LogAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid accountId, RecoveryStaff staff, string subject,
        string reason, CancellationToken cancellationToken) =>
        AccessLog.RecordAsync(connection, transaction,
            new AccessLogEntry(accountId, staff.AccountId, staff.Role, AccessAction.Recovery, subject, Reason: reason), cancellationToken);

    private Task TextAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string phone, string language, string sw, string en,
        CancellationToken cancellationToken)
    {
        var helpdesk = contact.Value.HelpdeskPhone;
        var body = language == "en"
            ? $"Government Services Portal: {en}. If you did not ask for this, call the portal's helpdesk at once on {helpdesk}."
            : $"Lango la Huduma za Serikali: {sw}. Kama hukuomba hili, piga simu kwa dawati la msaada la Lango mara moja kwa namba {helpdesk}.";
        return Outbox.EnqueueAsync(connection, transaction, OutgoingMessage.ToPhone(phone, body, SmsPurpose), cancellationToken);
    }

    private static async Task SetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, string set, string? value,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"UPDATE identity.recovery_cases SET {set} WHERE id = $1", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        if (set.Contains("$2", StringComparison.Ordinal))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private const string Select =
        """
        SELECT id, account_id, opened_by, opened_role, reason, opened_at, verification_id, registry_phones, kind, new_phone,
               asked_by, asked_at, status, decided_by, decided_at
        FROM identity.recovery_cases
        """;

    private async Task<RecoveryCase?> ReadAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Select + " WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return (await ReadAllAsync(command, cancellationToken)).FirstOrDefault();
    }

    private static async Task<IReadOnlyList<RecoveryCase>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<RecoveryCase>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new RecoveryCase(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<string[]>(7), reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetGuid(10),
                reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11), reader.GetString(12),
                reader.IsDBNull(13) ? null : reader.GetGuid(13), reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14)));
        }

        return list;
    }

    private sealed class NotDecidedException : Exception;
}
