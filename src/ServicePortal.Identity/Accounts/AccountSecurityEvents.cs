using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Core.Messaging;
using ServicePortal.Identity.OpenIdConnect;
using ServicePortal.Identity.Session;

namespace ServicePortal.Identity.Accounts;

/// <summary>
/// The one mechanism behind a change of password, phone or second factor (<see cref="IAccountEvents"/>): in one
/// transaction the change itself (when the caller hands it over), the end of the account's other sessions and
/// the SMS to the previous phone (through the outbox); after the commit, every refresh token and consent of the
/// account is revoked. Sessions end on every node by NOTIFY; this node forgets them at once.
/// </summary>
public sealed class AccountSecurityEvents(
    NpgsqlDataSource dataSource,
    PortalSessions sessions,
    SessionAccounts sessionAccounts,
    RefreshTokenRevocation tokens,
    IOptions<Core.Hosting.PortalContact> contact,
    TimeProvider clock) : IAccountEvents
{
    public Task PasswordChangedAsync(Guid accountId, CancellationToken cancellationToken) =>
        ApplyAsync(new AccountSecurityChange(accountId, SecurityChange.Password), null, cancellationToken);

    public Task PhoneChangedAsync(Guid accountId, string previousPhone, CancellationToken cancellationToken) =>
        ApplyAsync(new AccountSecurityChange(accountId, SecurityChange.Phone, previousPhone), null, cancellationToken);

    public Task SecondFactorChangedAsync(Guid accountId, Guid? keepSessionId, CancellationToken cancellationToken) =>
        ApplyAsync(new AccountSecurityChange(accountId, SecurityChange.SecondFactor, KeepSessionId: keepSessionId), null, cancellationToken);

    /// <summary>
    /// Applies the change's consequences, with <paramref name="change"/> itself made by
    /// <paramref name="alsoInTransaction"/> in the same transaction when given (the phone is read before it runs).
    /// </summary>
    public async Task ApplyAsync(AccountSecurityChange change,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task>? alsoInTransaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        IReadOnlyList<Guid> ended;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            string phone, language, nin;
            await using (var read = new NpgsqlCommand("SELECT phone, language, nin FROM identity.accounts WHERE id = $1 FOR UPDATE", connection, transaction))
            {
                read.Parameters.Add(new NpgsqlParameter { Value = change.AccountId });
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                if (!await reader.ReadAsync(cancellationToken))
                {
                    return; // the account is gone, and its sessions and tokens with it
                }

                (phone, language, nin) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
            }

            if (alsoInTransaction is not null)
            {
                await alsoInTransaction(connection, transaction, cancellationToken);
            }

            if (change.What == SecurityChange.Password)
            {
                // A new password proves the registry check and the phone: the NIN's locks are lifted, and the
                // devices trusted before it are not any more (their notes name the old security stamp).
                await SignInLocks.ClearAsync(connection, transaction, nin, cancellationToken);
            }

            ended = await PortalSessions.EndAllAsync(connection, transaction, change.AccountId, change.KeepSessionId,
                SessionEnd.SecurityChange, clock.GetUtcNow(), cancellationToken);
            await Outbox.EnqueueAsync(connection, transaction, OutgoingMessage.ToPhone(change.PreviousPhone ?? phone,
                Notice(change.What, language, contact.Value.HelpdeskPhone), "identity.security_change"), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        sessions.EvictAll(ended);
        sessionAccounts.Evict(change.AccountId);
        await tokens.RevokeAllAsync(change.AccountId, cancellationToken);
    }

    /// <summary>The SMS to the previous phone, in the account's language.</summary>
    public static string Notice(SecurityChange what, string language, string helpdeskPhone)
    {
        if (language == "en")
        {
            var changed = what switch
            {
                SecurityChange.Password => "the password of your account was changed",
                SecurityChange.Phone => "the phone number of your account was changed",
                _ => "the second step of signing in to your account (SMS code or authenticator app) was changed",
            };
            var call = $"call the portal's helpdesk at once on {helpdeskPhone}";
            return $"Government Services Portal: {changed} and your other devices were signed out. If this was not you, {call}.";
        }

        var badiliko = what switch
        {
            SecurityChange.Password => "nenosiri la akaunti yako limebadilishwa",
            SecurityChange.Phone => "namba ya simu ya akaunti yako imebadilishwa",
            _ => "njia ya pili ya kuingia kwenye akaunti yako (namba ya SMS au programu ya uthibitisho) imebadilishwa",
        };
        var piga = $"piga simu kwa dawati la msaada la Lango mara moja kwa namba {helpdeskPhone}";
        return $"Lango la Huduma za Serikali: {badiliko}, na vifaa vyako vingine vimetolewa kwenye akaunti. Kama si wewe, {piga}.";
    }
}
