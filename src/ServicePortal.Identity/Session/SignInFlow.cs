using System.Globalization;
using Microsoft.Extensions.Options;
using ServicePortal.Core.Identity;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.OneTimeCodes;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Session;

/// <summary>
/// Sign-in: the NIN and password, then the second factor. Wrong passwords and wrong codes count together;
/// the sixth in a row locks the account (default two hours). An unknown NIN and a wrong password get the
/// same answer, after the same work, so nobody learns who has an account.
/// </summary>
public sealed class SignInFlow(
    AccountStore accounts,
    PasswordHashing passwords,
    OneTimeCodeService codes,
    Authenticator.AuthenticatorApp authenticator,
    IOptions<IdentityOptions> options,
    TimeProvider clock)
{
    public const string CodePurpose = "sign_in";
    private IdentityOptions Options => options.Value;

    public static string WrongCredentials => T(
        "NIN au nenosiri si sahihi. Angalia kisha ujaribu tena.",
        "The NIN or the password is wrong. Check them and try again.");

    public static string LockedMessage(DateTimeOffset until)
    {
        var local = until.ToOffset(TimeSpan.FromHours(3)); // East Africa Time, no daylight saving
        var time = local.ToString("HH:mm", CultureInfo.InvariantCulture);
        var date = local.ToString("d MMMM yyyy", CultureInfo.CurrentCulture);
        return T($"Akaunti yako imefungwa kwa sababu ya majaribio mengi yasiyo sahihi. Jaribu tena baada ya saa {time}, {date} (saa za Afrika Mashariki).",
            $"Your account is locked after too many wrong attempts. Try again after {time} on {date} (East Africa Time).");
    }

    public async Task<PasswordStep> CheckPasswordAsync(string? ninText, string? password, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        Account? account = null;
        if (NationalIdNumber.TryParse(ninText, today, out var nin, out _))
        {
            account = await accounts.FindByNinAsync(nin, cancellationToken).ConfigureAwait(false);
        }

        if (account is not null && account.IsLocked(clock.GetUtcNow()))
        {
            return new PasswordStep.Locked(account.LockedUntil!.Value);
        }

        // Always verify a hash, the account's or a decoy's: the same work whatever the NIN.
        var check = passwords.Verify(account?.PasswordHash, password ?? "");
        if (account is null)
        {
            return new PasswordStep.Wrong();
        }

        if (check == PasswordCheck.Wrong)
        {
            var (_, lockedUntil) = await accounts.RecordFailureAsync(account.Id, Options.LockoutThreshold,
                Options.LockoutDuration, cancellationToken).ConfigureAwait(false);
            return lockedUntil is { } until && until > clock.GetUtcNow() ? new PasswordStep.Locked(until) : new PasswordStep.Wrong();
        }

        return new PasswordStep.Right(account);
    }

    public static bool UsesAuthenticator(Account account) => account is { SecondFactor: "totp", TotpSecret: not null };

    /// <summary>The <c>amr</c> value of the account's second factor: <c>otp</c> (an app) or <c>sms</c>.</summary>
    public static string SecondFactorMethod(Account account) => UsesAuthenticator(account) ? "otp" : "sms";

    /// <summary>Sends the SMS code of the second factor (unless one went out less than a minute ago).</summary>
    public Task<CodeIssue> SendCodeAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        return codes.IssueAsync($"account:{account.Id}", CodePurpose, account.Phone, account.Language, cancellationToken);
    }

    public async Task<CodeStep> CheckCodeAsync(Account account, string? code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (account.IsLocked(clock.GetUtcNow()))
        {
            return new CodeStep.Locked(account.LockedUntil!.Value);
        }

        var result = UsesAuthenticator(account)
            ? (await authenticator.VerifyAsync(account.Id, account.TotpSecret!, code, cancellationToken).ConfigureAwait(false)
                ? CodeCheck.Right
                : CodeCheck.Wrong)
            : await codes.VerifyAsync($"account:{account.Id}", CodePurpose, code, cancellationToken).ConfigureAwait(false);
        if (result == CodeCheck.Right)
        {
            await accounts.RecordSuccessAsync(account.Id, cancellationToken).ConfigureAwait(false);
            return new CodeStep.Right();
        }

        var (_, lockedUntil) = await accounts.RecordFailureAsync(account.Id, Options.LockoutThreshold,
            Options.LockoutDuration, cancellationToken).ConfigureAwait(false);
        if (lockedUntil is { } until && until > clock.GetUtcNow())
        {
            return new CodeStep.Locked(until);
        }

        return new CodeStep.Wrong(result);
    }

    /// <summary>What to tell a person who asked for a new code.</summary>
    public static string ResendNotice(CodeIssue issue)
    {
        ArgumentNullException.ThrowIfNull(issue);
        var seconds = Math.Ceiling(issue.RetryAfter.TotalSeconds);
        return issue.Sent
            ? T("Tumetuma namba mpya.", "We have sent a new code.")
            : T($"Subiri sekunde {seconds} kabla ya kuomba namba nyingine.", $"Wait {seconds} seconds before asking for another code.");
    }

    public static string Describe(CodeCheck check) => check switch
    {
        CodeCheck.Expired => T("Muda wa namba hii umeisha. Omba namba mpya.", "This code has expired. Ask for a new one."),
        CodeCheck.TooManyAttempts => T("Umejaribu namba hii mara nyingi mno. Omba namba mpya.",
            "You have tried this code too many times. Ask for a new one."),
        CodeCheck.NoCode => T("Hakuna namba inayosubiri. Omba namba mpya.", "There is no code waiting. Ask for a new one."),
        _ => T("Namba si sahihi. Angalia ujumbe mfupi (SMS) kisha ujaribu tena.",
            "The code is wrong. Check the text message (SMS) and try again."),
    };
}

public abstract record PasswordStep
{
    public sealed record Right(Account Account) : PasswordStep;

    public sealed record Wrong : PasswordStep;

    public sealed record Locked(DateTimeOffset Until) : PasswordStep;
}

public abstract record CodeStep
{
    public sealed record Right : CodeStep;

    public sealed record Wrong(CodeCheck Reason) : CodeStep;

    public sealed record Locked(DateTimeOffset Until) : CodeStep;
}
