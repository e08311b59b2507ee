using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace ServicePortal.Identity.OpenIdConnect;

/// <summary>
/// Revokes every authorization and token the account holds, in every sector: after a change of password, phone
/// or second factor a stolen refresh token stops working (see <see cref="Accounts.AccountSecurityEvents"/>).
/// </summary>
public sealed class RefreshTokenRevocation(PairwiseSubjects subjects, IServiceScopeFactory scopes)
{
    public async Task RevokeAllAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        foreach (var subject in await subjects.AllOfAsync(accountId, cancellationToken))
        {
            await authorizations.RevokeBySubjectAsync(subject, cancellationToken);
            await tokens.RevokeBySubjectAsync(subject, cancellationToken);
        }
    }

    /// <summary>
    /// Revokes every code and refresh token of the account, for every client, but keeps its consents ("sign out
    /// everywhere": the apps must sign in again, the person is not asked to consent again).
    /// </summary>
    public async Task RevokeTokensAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        foreach (var subject in await subjects.AllOfAsync(accountId, cancellationToken))
        {
            await tokens.RevokeBySubjectAsync(subject, cancellationToken);
        }
    }
}
