namespace ServicePortal.Identity.Accounts;

/// <summary>
/// What else must happen when an account changes. A new password already ends every browser session (the
/// security stamp changes); the OpenID Connect part also revokes every refresh token of the account.
/// </summary>
public interface IAccountEvents
{
    Task PasswordChangedAsync(Guid accountId, CancellationToken cancellationToken);
}
