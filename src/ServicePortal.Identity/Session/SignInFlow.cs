using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Security;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.OneTimeCodes;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Session;

/// <summary>
/// Sign-in: the NIN and password, then the second factor. Wrong passwords and wrong codes count together, per
/// NIN (known or not) and per device (<see cref="SignInLocks"/>): the sixth in a row locks that NIN on the
/// browsers that never signed in to it (or on the one trusted browser that guessed) for two hours. An unknown
/// NIN and a known one get the same answers, after the same work (a hash is verified on every path, the locked
/// one too), so nobody learns who has an account. Each attempt is reserved in the count before it is checked, so
/// parallel attempts get no more checks than sequential ones. A client network may try a bounded number of
/// distinct NINs an hour from browsers new to them (<see cref="NetworkNins"/>), to bound credential stuffing; a
/// browser that signed in to the NIN before is never refused by its network.
/// </summary>
public sealed class SignInFlow(
    AccountStore accounts,
    PasswordHashing passwords,
    OneTimeCodeService codes,
    Authenticator.AuthenticatorApp authenticator,
    SignInLocks locks,
    TrustedDevices devices,
    NetworkNins networkNins,
    Passkeys.PasskeyService passkeys,
    IOptions<IdentityOptions> options,
    TimeProvider clock)
{
    public const string CodePurpose = "sign_in";

    /// <summary>The device the password was given on, carried by the pending sign-in to the second factor.</summary>
    public const string DeviceClaim = "device";

    private IdentityOptions Options => options.Value;

    private AttemptLimit NinsPerNetwork =>
        new AttemptLimit("identity.sign_in_nins_per_network", Options.NinsTriedPerNetworkPerHour, TimeSpan.FromHours(1)).Validate();

    public static string WrongCredentials => T(
        "NIN au nenosiri si sahihi. Angalia kisha ujaribu tena.",
        "The NIN or the password is wrong. Check them and try again.");

    /// <summary>What a locked NIN is told: the same whether or not it has an account.</summary>
    public static string LockedMessage(DateTimeOffset until) => LockedMessage(until, thisDevice: false);

    public static string LockedMessage(DateTimeOffset until, bool thisDevice)
    {
        var (time, date) = EastAfrica(until);
        return thisDevice
            ? T($"Kuingia kwa NIN hii kwenye kifaa hiki kumesitishwa hadi saa {time}, {date} (saa za Afrika Mashariki), kwa sababu ya majaribio mengi yasiyo sahihi.",
                $"Signing in with this NIN on this device is paused until {time} on {date} (East Africa Time) after too many wrong attempts.")
            : T($"Kuingia kwa NIN hii kumesitishwa hadi saa {time}, {date} (saa za Afrika Mashariki), kwa sababu ya majaribio mengi yasiyo sahihi. Kama ni akaunti yako, bado unaweza kuingia kwenye kifaa ulichotumia kuingia awali.",
                $"Signing in with this NIN is paused until {time} on {date} (East Africa Time) after too many wrong attempts. If this is your account, you can still sign in on a device you have signed in on before.");
    }

    public static string NetworkLimitedMessage(DateTimeOffset until)
    {
        var (time, _) = EastAfrica(until);
        return T($"Kumekuwa na majaribio ya kuingia kwa NIN nyingi mno kutoka mtandao wako. Jaribu tena baada ya saa {time} (saa za Afrika Mashariki), au ingia kwenye kifaa ulichotumia kuingia awali.",
            $"Sign-in has been tried for too many NINs from your network. Try again after {time} (East Africa Time), or sign in on a device you have signed in on before.");
    }

    public async Task<PasswordStep> CheckPasswordAsync(HttpContext http, string? ninText, string? password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (!NationalIdNumber.TryParse(ninText, today, out var nin, out _))
        {
            passwords.Verify(null, password ?? "");
            return new PasswordStep.Wrong(); // not a NIN: nobody's count
        }

        var account = await accounts.FindByNinAsync(nin, cancellationToken);
        var device = devices.DeviceFor(http, account);
        var trusted = device != SignInLocks.UntrustedDevices;
        if (!trusted)
        {
            // A browser the NIN's owner signed in on is never held back by what others on its network (a carrier's
            // NAT) do; any other counts towards the NINs its network tries. Known or not, a NIN is admitted alike.
            var (admitted, until) = await networkNins.AdmitAsync(NinsPerNetwork, NetworkOf(http), nin.Digits, cancellationToken);
            if (!admitted)
            {
                return new PasswordStep.NetworkLimited(until);
            }
        }

        // Reserved before it is checked: however many attempts run at once, no more are checked than the lock allows.
        var reservation = await locks.ReserveAsync(nin, device, cancellationToken);

        // Always verify a hash, the account's or a decoy's, locked or not: the same work whatever the NIN.
        var check = passwords.Verify(account?.PasswordHash, password ?? "");
        if (reservation is not AttemptReservation.Granted granted)
        {
            return new PasswordStep.Locked(((AttemptReservation.Refused)reservation).Until, trusted);
        }

        if (account is null || check == PasswordCheck.Wrong)
        {
            return await locks.WrongAsync(nin, device, account, granted, cancellationToken) is { } locked
                ? new PasswordStep.Locked(locked, trusted)
                : new PasswordStep.Wrong();
        }

        await locks.RightAsync(nin, device, cancellationToken);
        if (!trusted)
        {
            // A right password is not stuffing: the NIN no longer counts against its network (a password-only sign-in
            // for a client that asked for that level never completes a two-factor one, and must not pile up there).
            await networkNins.ReleaseAsync(NinsPerNetwork, NetworkOf(http), nin.Digits, cancellationToken);
        }

        if (check == PasswordCheck.RightButRehash)
        {
            // Hashed at an older (lower) cost: now that the password is known to be right, hash it at today's.
            await accounts.RehashPasswordAsync(account.Id, account.PasswordHash, passwords.Hash(password!), cancellationToken);
        }

        return new PasswordStep.Right(account, device);
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

    /// <summary>The second factor, on the device the password was given on.</summary>
    public async Task<CodeStep> CheckCodeAsync(HttpContext http, Account account, string device, string? code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(account);
        var trusted = device != SignInLocks.UntrustedDevices;
        var reservation = await locks.ReserveAsync(account.Nin, device, cancellationToken);
        if (reservation is not AttemptReservation.Granted granted)
        {
            return new CodeStep.Locked(((AttemptReservation.Refused)reservation).Until, trusted);
        }

        var result = UsesAuthenticator(account)
            ? (await authenticator.VerifyAsync(account.Id, account.TotpSecret!, code, cancellationToken)
                ? CodeCheck.Right
                : CodeCheck.Wrong)
            : await codes.VerifyAsync($"account:{account.Id}", CodePurpose, code, cancellationToken);
        if (result == CodeCheck.Right)
        {
            // A complete sign-in, the only thing that clears the count.
            await locks.ResetAsync(account.Nin, device, cancellationToken);
            return new CodeStep.Right();
        }

        return await locks.WrongAsync(account.Nin, device, account, granted, cancellationToken) is { } locked
            ? new CodeStep.Locked(locked, trusted)
            : new CodeStep.Wrong(result);
    }

    /// <summary>
    /// A passkey as the second factor, on the device the password was given on: counted with wrong passwords and codes
    /// like a code is, and answering the challenge given to this pending sign-in only (<see cref="PendingBinding"/>).
    /// </summary>
    public async Task<CodeStep> CheckPasskeyAsync(Account account, string device, string binding, string? answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var trusted = device != SignInLocks.UntrustedDevices;
        var reservation = await locks.ReserveAsync(account.Nin, device, cancellationToken);
        if (reservation is not AttemptReservation.Granted granted)
        {
            return new CodeStep.Locked(((AttemptReservation.Refused)reservation).Until, trusted);
        }

        if (await passkeys.CheckAsync(account.Id, binding, answer, cancellationToken) is Passkeys.PasskeyResult.Right)
        {
            await locks.ResetAsync(account.Nin, device, cancellationToken);
            return new CodeStep.Right();
        }

        return await locks.WrongAsync(account.Nin, device, account, granted, cancellationToken) is { } locked
            ? new CodeStep.Locked(locked, trusted)
            : new CodeStep.Wrong(CodeCheck.Wrong);
    }

    /// <summary>The <c>amr</c> value of a passkey (RFC 8176: proof of possession of a key).</summary>
    public const string PasskeyMethod = "pop";

    /// <summary>A pending sign-in's own id, so a passkey challenge is answered only by the browser it was given to.</summary>
    public const string PendingIdClaim = "pending_id";

    /// <summary>What a pending sign-in's passkey challenge is bound to.</summary>
    public static string PendingBinding(ClaimsPrincipal? pending) =>
        pending?.FindFirst(PendingIdClaim)?.Value is { Length: > 0 } id ? "pending:" + id : "pending:none:" + Guid.NewGuid();

    /// <summary>The device a pending sign-in was started on.</summary>
    public static string DeviceOf(ClaimsPrincipal? pending) => pending?.FindFirst(DeviceClaim)?.Value ?? SignInLocks.UntrustedDevices;

    public static void SetDevice(ClaimsPrincipal pending, string device)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var identity = (ClaimsIdentity)pending.Identity!;
        identity.AddClaim(new Claim(DeviceClaim, device));
        identity.AddClaim(new Claim(PendingIdClaim, Guid.NewGuid().ToString("N")));
    }

    private static string NetworkOf(HttpContext http) => ClientNetwork.Of(http.Connection.RemoteIpAddress);

    private static (string Time, string Date) EastAfrica(DateTimeOffset at)
    {
        var local = at.ToOffset(TimeSpan.FromHours(3)); // East Africa Time, no daylight saving
        return (local.ToString("HH:mm", CultureInfo.InvariantCulture), local.ToString("d MMMM yyyy", CultureInfo.CurrentCulture));
    }

    /// <summary>What to tell a person who asked for a new code.</summary>
    public static string ResendNotice(CodeIssue issue)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return ResendNotice(issue.Sent ? 0 : (int)Math.Ceiling(issue.RetryAfter.TotalSeconds));
    }

    /// <summary>
    /// The same, from the page's address after the redirect that answers the resend (<paramref name="waitSeconds"/>:
    /// 0 when a code went out, else how long to wait).
    /// </summary>
    public static string ResendNotice(int waitSeconds) => waitSeconds <= 0
        ? T("Tumetuma namba mpya.", "We have sent a new code.")
        : T($"Subiri sekunde {waitSeconds} kabla ya kuomba namba nyingine.", $"Wait {waitSeconds} seconds before asking for another code.");

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
    /// <param name="Device">The browser's device id for the account, or "" when it has not signed in to it before.</param>
    public sealed record Right(Account Account, string Device) : PasswordStep;

    public sealed record Wrong : PasswordStep;

    /// <param name="ThisDevice">Only this (trusted) browser is locked; otherwise every browser new to the account.</param>
    public sealed record Locked(DateTimeOffset Until, bool ThisDevice) : PasswordStep;

    /// <summary>Too many wrong attempts from the client's network this hour, whatever the NIN.</summary>
    public sealed record NetworkLimited(DateTimeOffset Until) : PasswordStep;
}

public abstract record CodeStep
{
    public sealed record Right : CodeStep;

    public sealed record Wrong(CodeCheck Reason) : CodeStep;

    public sealed record Locked(DateTimeOffset Until, bool ThisDevice) : CodeStep;
}
