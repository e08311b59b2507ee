namespace ServicePortal.Identity.Accounts;

/// <summary>
/// What must follow a change of the account's password, phone or second factor, once it is committed: every
/// session of the account ends (on every node), every refresh token and consent is revoked, and the phone the
/// account had before the change gets an SMS ("if this was not you, call the helpdesk"), in the account's
/// language. Implemented by <see cref="AccountSecurityEvents"/>, which can also make the change itself in the
/// same transaction as the session ends and the SMS.
/// </summary>
public interface IAccountEvents
{
    /// <summary>
    /// A new password (a reset or a change) was committed. Call it before signing the person in again: every
    /// session that exists when it runs ends.
    /// </summary>
    Task PasswordChangedAsync(Guid accountId, CancellationToken cancellationToken);

    /// <summary>The phone number was changed (committed); the SMS goes to <paramref name="previousPhone"/>.</summary>
    Task PhoneChangedAsync(Guid accountId, string previousPhone, CancellationToken cancellationToken);

    /// <summary>
    /// The second factor changed (committed). <paramref name="keepSessionId"/>, the session that made the change
    /// with both factors, stays; every other ends.
    /// </summary>
    Task SecondFactorChangedAsync(Guid accountId, Guid? keepSessionId, CancellationToken cancellationToken);
}

public enum SecurityChange
{
    Password,
    Phone,
    SecondFactor,
}

/// <param name="PreviousPhone">Where the SMS goes: the phone before the change (null: the account's phone as it is
/// when the change is applied, which is the previous one unless the phone itself changed).</param>
/// <param name="KeepSessionId">The session that made the change, when it stays.</param>
public sealed record AccountSecurityChange(Guid AccountId, SecurityChange What, string? PreviousPhone = null, Guid? KeepSessionId = null);
