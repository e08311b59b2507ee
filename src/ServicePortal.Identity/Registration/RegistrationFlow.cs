using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Security;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.Authenticator;
using ServicePortal.Identity.OneTimeCodes;
using ServicePortal.Identity.Registry;
using ServicePortal.Identity.Session;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Registration;

/// <summary>
/// Proving who you are, for a new account or a forgotten password. The details are checked against the national
/// ID registry, which asks a question only the person should know; a right answer brings the mobile numbers
/// registered to the NIN, and the code goes only to one of them (registering: the person chooses one, shown
/// masked, by position; resetting: the account's own phone, and only while the registry still holds it). A reset
/// also needs the authenticator app's code when the account has one, and staff accounts have no self-service
/// reset (assisted recovery). Then a password is chosen. Nothing is created until the last step succeeds; the
/// steps in between live in <c>identity.registrations</c> for half an hour.
/// </summary>
/// <remarks>
/// Per NIN and per day, across every node (<see cref="AttemptLimits"/>): a bounded number of verifications and of
/// answers, counted for the NIN, never for one verification, so starting again gives no fresh tries.
/// </remarks>
public sealed class RegistrationFlow(
    NpgsqlDataSource dataSource,
    INationalIdRegistry registry,
    AccountStore accounts,
    PasswordHashing passwords,
    OneTimeCodeService codes,
    AuthenticatorApp authenticator,
    AttemptLimits limits,
    NetworkNins networkNins,
    SessionAccounts sessionAccounts,
    IOptions<IdentityOptions> options,
    IOptions<RegistrationOptions> registrationOptions,
    TimeProvider clock)
{
    public const string Register = "register";
    public const string ResetPassword = "reset_password";

    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private RegistrationOptions Limits => registrationOptions.Value;

    private AttemptLimit Starts => new("identity.registry-starts", Limits.StartsPerNinPerDay, Day);

    private AttemptLimit Answers => new("identity.registry-answers", Limits.AnswersPerNinPerDay, Day);

    private AttemptLimit AnswerNinsPerNetwork => new("identity.registry_answer_nins_per_network", Limits.AnswerNinsPerNetworkPerHour, TimeSpan.FromHours(1));

    private AttemptLimit AppCodes => new("identity.recovery-app-codes", Limits.AppCodesPerAccountPerDay, Day);

    public async Task<StartResult> StartAsync(string purpose, NationalIdNumber nin, string firstName, string? middleName,
        string lastName, DateOnly dateOfBirth, CancellationToken cancellationToken)
    {
        // Counted before the registry is asked, whatever it answers, so the registry cannot be hammered (nor used to
        // try names and birth dates against a NIN) through the portal. That a NIN has spent its starts tells nothing
        // about it: anyone's starts count, matching or not.
        var starts = await limits.CountAsync(Starts, nin.Digits, cancellationToken);
        if (starts.Exceeded)
        {
            return new StartResult.Refused(Blocked(starts.WindowEnd));
        }

        // Whether a NIN has an account, or has spent its answers today, is told only to someone whose details match
        // it, as sign-in tells an unknown NIN and a wrong password apart to nobody.
        var question = await registry.StartAsync(nin, firstName, lastName, dateOfBirth, cancellationToken);
        switch (question)
        {
            case RegistryStart.NoMatch:
                return new StartResult.Refused(T(
                    "Taarifa hizi hazilingani na Daftari la Utambulisho wa Taifa. Angalia NIN, majina na tarehe ya kuzaliwa kama yalivyo kwenye kitambulisho chako.",
                    "These details do not match the national ID register. Check the NIN, the names and the date of birth as they are on your ID card."));
            case RegistryStart.Unavailable:
                return new StartResult.Refused(RegistryUnavailable);
        }

        var answers = await limits.PeekAsync(Answers, nin.Digits, cancellationToken);
        if (answers.Reached)
        {
            return new StartResult.Refused(Blocked(answers.WindowEnd));
        }

        var existing = await accounts.FindByNinAsync(nin, cancellationToken);
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

        // Whether the account is staff's, or has an authenticator app, is not decided here: a stranger with the
        // details on an ID card learns nothing more than that an account exists until the question is answered.
        var asked = (RegistryStart.Question)question;
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO identity.registrations (nin, first_name, middle_name, last_name, date_of_birth, purpose,
                                                registry_verification, question_sw, question_en, expires_at,
                                                question_kind, registry_attempts_left)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + $10, $11, $12)
            RETURNING id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = nin.Digits });
        command.Parameters.Add(new NpgsqlParameter { Value = firstName });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)middleName ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = lastName });
        command.Parameters.Add(new NpgsqlParameter { Value = dateOfBirth });
        command.Parameters.Add(new NpgsqlParameter { Value = purpose });
        command.Parameters.Add(new NpgsqlParameter { Value = asked.VerificationId });
        command.Parameters.Add(new NpgsqlParameter { Value = asked.Sw });
        command.Parameters.Add(new NpgsqlParameter { Value = asked.En });
        command.Parameters.Add(new NpgsqlParameter { Value = options.Value.RegistrationLifetime });
        command.Parameters.Add(new NpgsqlParameter { Value = asked.Kind.Length <= 40 ? asked.Kind : "" });
        command.Parameters.Add(new NpgsqlParameter { Value = asked.AttemptsLeft });
        var id = (Guid)(await command.ExecuteScalarAsync(cancellationToken))!;
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
                   question_sw, question_en, registry_verified_at IS NOT NULL, phone_verified_at IS NOT NULL,
                   registry_phones, app_required, app_verified_at IS NOT NULL, question_kind, registry_attempts_left
            FROM identity.registrations WHERE id = $1 AND expires_at > now()
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        if (!await r.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new PendingRegistration(r.GetGuid(0), NationalIdNumber.Parse(r.GetString(1), DateOnly.MaxValue), r.GetString(2),
            r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.GetFieldValue<DateOnly>(5), r.IsDBNull(6) ? null : r.GetString(6),
            r.GetString(7), r.GetString(8), r.GetString(9), r.GetString(10), r.GetBoolean(11), r.GetBoolean(12),
            r.GetFieldValue<string[]>(13), r.GetBoolean(14), r.GetBoolean(15), r.GetString(16), r.GetInt32(17));
    }

    /// <summary>
    /// Answers the registry's question. Every answer counts for the NIN before it is checked, so no number of
    /// restarts, nodes or parallel requests gives more than <see cref="RegistrationOptions.AnswersPerNinPerDay"/>
    /// a day. A right one registering: the registry's numbers are kept, to choose from. A right one resetting: the
    /// code goes to the account's phone, unless the account is staff's or its phone is no longer the person's.
    /// </summary>
    public async Task<StepResult> AnswerAsync(PendingRegistration registration, string answer, string language, string network,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);

        // First the network: one network may answer the questions of a bounded number of NINs an hour (a list of
        // stolen ID-card details must not multiply each NIN's answers), and a refusal here spends none of the NIN's.
        var (admitted, networkUntil) = await networkNins.AdmitAsync(AnswerNinsPerNetwork, network, registration.Nin.Digits, cancellationToken);
        if (!admitted)
        {
            return new StepResult.NetworkLimited(networkUntil);
        }

        var tally = await limits.CountAsync(Answers, registration.Nin.Digits, cancellationToken);
        if (tally.Exceeded)
        {
            await DeleteAsync(registration.Id, cancellationToken);
            return new StepResult.Ended(Blocked(tally.WindowEnd));
        }

        var outcome = await registry.AnswerAsync(registration.RegistryVerification, answer, cancellationToken);
        switch (outcome)
        {
            case RegistryAnswer.Verified verified:
                // Proven: the person costs their network nothing (behind a carrier's NAT, many register).
                await networkNins.ReleaseAsync(AnswerNinsPerNetwork, network, registration.Nin.Digits, cancellationToken);
                return registration.Purpose == Register
                    ? await VerifiedToRegisterAsync(registration, verified, cancellationToken)
                    : await VerifiedToResetAsync(registration, verified, language, cancellationToken);
            case RegistryAnswer.Wrong or RegistryAnswer.Locked when tally.Reached:
                await DeleteAsync(registration.Id, cancellationToken);
                return new StepResult.Ended(Blocked(tally.WindowEnd));
            case RegistryAnswer.Wrong wrong:
                // The registry's count for this question is kept, so that the page's one number of tries left
                // (AnswersLeftAsync) is the smaller of the registry's and the NIN's day's.
                await using (var kept = dataSource.CreateCommand(
                                 "UPDATE identity.registrations SET registry_attempts_left = LEAST(registry_attempts_left, $2) WHERE id = $1"))
                {
                    kept.Parameters.Add(new NpgsqlParameter { Value = registration.Id });
                    kept.Parameters.Add(new NpgsqlParameter { Value = Math.Max(0, wrong.AttemptsLeft) });
                    await kept.ExecuteNonQueryAsync(cancellationToken);
                }

                return new StepResult.Failed(T("Jibu halilingani na daftari.", "The answer does not match the register."));
            case RegistryAnswer.Expired:
                await DeleteAsync(registration.Id, cancellationToken);
                return new StepResult.Ended(T(
                    "Muda wa swali hili umeisha. Anza upya; hakuna kilichohifadhiwa.",
                    "This question has expired. Please start again; nothing was saved."));
            case RegistryAnswer.Locked:
                await DeleteAsync(registration.Id, cancellationToken);
                return new StepResult.Ended(T(
                    "Hatukuweza kuthibitisha utambulisho wako. Anza upya baadaye, au tembelea ofisi ya NIDA iliyo karibu nawe.",
                    "We could not confirm your identity. Start again later, or visit your nearest NIDA office."));
            default:
                return new StepResult.Failed(RegistryUnavailable);
        }
    }

    /// <summary>
    /// How many answers this person may still give to this question: the smaller of the registry's tries for it and
    /// the NIN's answers left today. The one number the question page shows, before and after a wrong answer.
    /// </summary>
    public async Task<int> AnswersLeftAsync(PendingRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var today = await limits.PeekAsync(Answers, registration.Nin.Digits, cancellationToken);
        return Math.Max(0, Math.Min(registration.RegistryAttemptsLeft, today.Left));
    }

    private async Task<StepResult> VerifiedToRegisterAsync(PendingRegistration registration, RegistryAnswer.Verified verified,
        CancellationToken cancellationToken)
    {
        if (verified.Phones.Count == 0)
        {
            await DeleteAsync(registration.Id, cancellationToken);
            return new StepResult.Ended(NoRegisteredPhone);
        }

        await MarkVerifiedAsync(registration.Id, verified, phone: null, appRequired: false, cancellationToken);
        return new StepResult.ChoosePhone();
    }

    private async Task<StepResult> VerifiedToResetAsync(PendingRegistration registration, RegistryAnswer.Verified verified,
        string language, CancellationToken cancellationToken)
    {
        var account = await accounts.FindByNinAsync(registration.Nin, cancellationToken);
        if (account is null)
        {
            await DeleteAsync(registration.Id, cancellationToken);
            return new StepResult.Ended(T("Hakuna akaunti ya NIN hii.", "There is no account for this NIN."));
        }

        // Staff accounts are recovered in person, never online: a SIM swap and a guessed answer must not give an
        // administrator's account. And a code goes to the account's phone only while the registry still holds it for
        // this NIN: a number given up and reissued to someone else must not receive it.
        if ((await accounts.RolesAsync(account.Id, cancellationToken)).Count > 0 ||
            !verified.Phones.Contains(account.Phone, StringComparer.Ordinal))
        {
            await DeleteAsync(registration.Id, cancellationToken);
            return new StepResult.Assisted();
        }

        await MarkVerifiedAsync(registration.Id, verified, account.Phone, SignInFlow.UsesAuthenticator(account), cancellationToken);
        await codes.IssueAsync(CodeSubject(registration.Id, account.Phone), registration.Purpose, account.Phone, language,
            cancellationToken);
        return new StepResult.Done();
    }

    private async Task MarkVerifiedAsync(Guid id, RegistryAnswer.Verified verified, string? phone, bool appRequired,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            UPDATE identity.registrations
            SET registry_verified_at = now(), middle_name = coalesce($2, middle_name), registry_phones = $3, phone = $4,
                app_required = $5
            WHERE id = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)verified.MiddleName ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = verified.Phones.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)phone ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = appRequired });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Sends the code to the registry's number at <paramref name="position"/> (registering only). The browser names
    /// a position in the registry's list, never a number, so no form value can become another number.
    /// </summary>
    public async Task<StepResult> ChoosePhoneAsync(PendingRegistration registration, int? position, string language,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (registration is not { Purpose: Register, RegistryVerified: true, PhoneVerified: false } ||
            position is not { } index || index < 0 || index >= registration.RegistryPhones.Count)
        {
            return new StepResult.Failed(T("Chagua mojawapo ya namba zilizoonyeshwa.", "Choose one of the numbers shown."));
        }

        var phone = registration.RegistryPhones[index];
        var issue = await codes.IssueAsync(CodeSubject(registration.Id, phone), registration.Purpose, phone, language, cancellationToken);
        if (issue.PhoneLimitReached)
        {
            return new StepResult.Failed(TooManyCodes(issue));
        }

        // Sent now, or a minute ago to the same number: either way that number's code is the one waiting.
        await using var command = dataSource.CreateCommand(
            "UPDATE identity.registrations SET phone = $2 WHERE id = $1 AND phone_verified_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = registration.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = phone });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new StepResult.Done();
    }

    public Task<CodeIssue> ResendCodeAsync(PendingRegistration registration, string language, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var phone = registration.Phone ?? throw new InvalidOperationException("No phone has been chosen yet.");
        return codes.IssueAsync(CodeSubject(registration.Id, phone), registration.Purpose, phone, language, cancellationToken);
    }

    public async Task<CodeCheck> VerifyPhoneAsync(PendingRegistration registration, string? code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (registration.Phone is not { } phone)
        {
            return CodeCheck.NoCode;
        }

        // The code's subject names the number it went to, so only a code sent to the chosen number confirms it.
        var check = await codes.VerifyAsync(CodeSubject(registration.Id, phone), registration.Purpose, code, cancellationToken);
        if (check == CodeCheck.Right)
        {
            await using var command = dataSource.CreateCommand(
                "UPDATE identity.registrations SET phone_verified_at = now() WHERE id = $1 AND phone = $2");
            command.Parameters.Add(new NpgsqlParameter { Value = registration.Id });
            command.Parameters.Add(new NpgsqlParameter { Value = phone });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return check;
    }

    /// <summary>
    /// The authenticator app's code, for a reset of an account that has one (checked and its time step spent at
    /// once, so a code seen once cannot be replayed). Tries count per account and day, a right one too.
    /// </summary>
    public async Task<StepResult> VerifyAppAsync(PendingRegistration registration, string? code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var account = await accounts.FindByNinAsync(registration.Nin, cancellationToken);
        if (registration is not { Purpose: ResetPassword, PhoneVerified: true, AppRequired: true } || account is null ||
            !SignInFlow.UsesAuthenticator(account))
        {
            await DeleteAsync(registration.Id, cancellationToken);
            return new StepResult.Ended(EarlierStepsIncomplete);
        }

        var tally = await limits.CountAsync(AppCodes, account.Id.ToString("N"), cancellationToken);
        if (tally.Exceeded)
        {
            await DeleteAsync(registration.Id, cancellationToken);
            return new StepResult.Ended(Blocked(tally.WindowEnd));
        }

        if (await authenticator.VerifyAsync(account.Id, account.TotpSecret!, code, cancellationToken))
        {
            await using var command = dataSource.CreateCommand("UPDATE identity.registrations SET app_verified_at = now() WHERE id = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = registration.Id });
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new StepResult.Done();
        }

        if (tally.Reached)
        {
            await DeleteAsync(registration.Id, cancellationToken);
            return new StepResult.Ended(Blocked(tally.WindowEnd));
        }

        return new StepResult.Failed(T($"Namba si sahihi. Angalia programu yako ya uthibitisho. Umebakiza majaribio {tally.Left}.",
            $"The code is wrong. Check your authenticator app. You have {tally.Left} attempts left."));
    }

    /// <summary>
    /// The last step: the account is created (or its password replaced) and the registration removed, in one
    /// transaction. A second registration for the same NIN, even at the same moment, creates nothing. A reset
    /// checks again that every factor of the account was given and that it is not staff's.
    /// </summary>
    public async Task<CompleteResult> CompleteAsync(PendingRegistration registration, string password, string language,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (!registration.ReadyForPassword || registration.Phone is not { } phone)
        {
            return new CompleteResult.Refused(EarlierStepsIncomplete);
        }

        var hash = passwords.Hash(password);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Guid accountId;
        if (registration.Purpose == Register)
        {
            var created = await AccountStore.CreateAsync(connection, transaction, new NewAccount(registration.Nin,
                registration.FirstName, registration.MiddleName, registration.LastName, registration.DateOfBirth,
                phone, language, hash), cancellationToken);
            if (created is null)
            {
                return new CompleteResult.Refused(T("Tayari kuna akaunti ya NIN hii. Ingia.", "There is already an account for this NIN. Sign in."));
            }

            accountId = created.Value;
        }
        else
        {
            var account = await accounts.FindByNinAsync(registration.Nin, cancellationToken);
            if (account is null)
            {
                return new CompleteResult.Refused(T("Hakuna akaunti ya NIN hii.", "There is no account for this NIN."));
            }

            // The account may have changed since the question (an app enrolled, a role granted, the phone changed).
            if (account.Phone != phone || (SignInFlow.UsesAuthenticator(account) && !registration.AppVerified) ||
                (await accounts.RolesAsync(account.Id, cancellationToken)).Count > 0)
            {
                return new CompleteResult.Refused(EarlierStepsIncomplete);
            }

            await AccountStore.SetPasswordAsync(connection, transaction, account.Id, hash, cancellationToken);
            accountId = account.Id;
        }

        await using (var delete = new NpgsqlCommand("DELETE FROM identity.registrations WHERE id = $1", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter { Value = registration.Id });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        // The trigger's NOTIFY reaches every node, this one too, a moment after the commit; evicting here as
        // well means the very next request on this node already sees the new stamp.
        sessionAccounts.Evict(accountId);
        return new CompleteResult.Completed(accountId);
    }

    /// <summary>Ends a registration (the person lost a factor and goes to assisted recovery, or gave up).</summary>
    public Task EndAsync(PendingRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return DeleteAsync(registration.Id, cancellationToken);
    }

    private async Task DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM identity.registrations WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string CodeSubject(Guid registration, string phone) => $"registration:{registration}:{phone}";

    /// <summary>"Try again after …", in East Africa Time (no daylight saving), in the person's language.</summary>
    public static string Blocked(DateTimeOffset until)
    {
        var (time, date) = EastAfricaTime(until);
        return T($"Umefikia kikomo cha majaribio ya kuthibitisha utambulisho wa NIN hii kwa leo. Jaribu tena baada ya saa {time}, {date} (saa za Afrika Mashariki), au tembelea ofisi ya NIDA iliyo karibu nawe.",
            $"This NIN has reached today's limit of attempts to confirm the identity. Try again after {time} on {date} (East Africa Time), or visit your nearest NIDA office.");
    }

    /// <summary>What to say when the client's network has answered the questions of too many NINs this hour.</summary>
    public static string NetworkLimitedMessage(DateTimeOffset until)
    {
        var (time, _) = EastAfricaTime(until);
        return T($"Maswali ya NIN nyingi mno yamejibiwa kutoka mtandao wako katika saa hii. Jaribu tena baada ya saa {time} (saa za Afrika Mashariki); hakuna jaribio lako lililotumika.",
            $"The questions of too many NINs have been answered from your network this hour. Try again after {time} (East Africa Time); none of your attempts was used.");
    }

    /// <summary>What to say when a phone has had its codes for this hour.</summary>
    public string TooManyCodes(CodeIssue issue)
    {
        ArgumentNullException.ThrowIfNull(issue);
        var (time, date) = EastAfricaTime(clock.GetUtcNow() + issue.RetryAfter);
        return T($"Tumetuma namba nyingi mno kwa simu hii. Jaribu tena baada ya saa {time}, {date} (saa za Afrika Mashariki).",
            $"We have sent too many codes to this phone. Try again after {time} on {date} (East Africa Time).");
    }

    private static (string Time, string Date) EastAfricaTime(DateTimeOffset moment)
    {
        var local = moment.ToOffset(TimeSpan.FromHours(3));
        return (local.ToString("HH:mm", CultureInfo.InvariantCulture), local.ToString("d MMMM yyyy", CultureInfo.CurrentCulture));
    }

    public static string RegistryUnavailable => T(
        "Daftari la Utambulisho wa Taifa halipatikani kwa sasa. Hakuna kilichohifadhiwa; tafadhali jaribu tena baadaye.",
        "The national ID register cannot be reached right now. Nothing was saved; please try again later.");

    private static string NoRegisteredPhone => T(
        "Daftari la Utambulisho wa Taifa halina namba ya simu iliyosajiliwa kwa NIN yako, na tunatuma namba ya uthibitisho kwa namba hizo tu. Sajili laini yako kwa NIN yako kwa mtoa huduma wako wa simu, kisha uanze upya.",
        "The national ID register holds no mobile number registered to your NIN, and we send the security code to those numbers only. Register your SIM card with your NIN at your mobile operator, then start again.");

    private static string EarlierStepsIncomplete => T("Hatua za awali hazijakamilika. Anza upya.", "The earlier steps are not complete. Start again.");
}

/// <param name="Phone">The number the code goes to: chosen from <paramref name="RegistryPhones"/> (registering) or the
/// account's (resetting); null until then.</param>
/// <param name="RegistryPhones">The numbers the registry holds for the NIN, known once its question is answered.</param>
/// <param name="AppRequired">A reset of an account with an authenticator app: its code is needed too.</param>
public sealed record PendingRegistration(Guid Id, NationalIdNumber Nin, string FirstName, string? MiddleName, string LastName,
    DateOnly DateOfBirth, string? Phone, string Purpose, string RegistryVerification, string QuestionSw, string QuestionEn,
    bool RegistryVerified, bool PhoneVerified, IReadOnlyList<string> RegistryPhones, bool AppRequired, bool AppVerified,
    string QuestionKind = "", int RegistryAttemptsLeft = 3)
{
    /// <summary>Whether the registry's question is answered by choosing a region (<see cref="Registry.TanzaniaRegions"/>).</summary>
    public bool AsksRegion => QuestionKind == Registry.RegistryStart.RegionOfBirth;

    public bool ReadyForPassword => RegistryVerified && PhoneVerified && (!AppRequired || AppVerified);

    /// <summary>The page of the step this registration is at (every step page sends a browser elsewhere to it).</summary>
    public string NextPage => this switch
    {
        { RegistryVerified: false } => "/Account/RegisterQuestion",
        { Phone: null } => "/Account/RegisterPhone",
        { PhoneVerified: false } => "/Account/RegisterCode",
        { AppRequired: true, AppVerified: false } => "/Account/RegisterApp",
        _ => "/Account/RegisterPassword",
    };
}

public abstract record StartResult
{
    public sealed record Started(Guid Id) : StartResult;

    public sealed record Refused(string Message) : StartResult;
}

public abstract record StepResult
{
    /// <summary>On to the next step (<see cref="PendingRegistration.NextPage"/>).</summary>
    public sealed record Done : StepResult;

    /// <summary>The registry's question was answered rightly: choose the number the code goes to.</summary>
    public sealed record ChoosePhone : StepResult;

    public sealed record Failed(string Message) : StepResult;

    /// <summary>The registration is over; start again.</summary>
    public sealed record Ended(string Message) : StepResult;

    /// <summary>The registration is over, and only assisted recovery (the helpdesk, an office) can help.</summary>
    public sealed record Assisted : StepResult;

    /// <summary>The client's network has answered the questions of too many NINs this hour; nothing was spent.</summary>
    public sealed record NetworkLimited(DateTimeOffset Until) : StepResult;
}

public abstract record CompleteResult
{
    public sealed record Completed(Guid AccountId) : CompleteResult;

    public sealed record Refused(string Message) : CompleteResult;
}
