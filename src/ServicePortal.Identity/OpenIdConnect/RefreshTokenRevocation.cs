using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using ServicePortal.Identity.Accounts;

namespace ServicePortal.Identity.OpenIdConnect;

/// <summary>
/// A new password (a reset after the registry check and an SMS code) revokes every authorization and token
/// the account holds, in every sector: a stolen refresh token stops working with the old password.
/// </summary>
public sealed class RevokeTokensOnPasswordChange(PairwiseSubjects subjects, IServiceScopeFactory scopes) : IAccountEvents
{
    public async Task PasswordChangedAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        foreach (var subject in await subjects.AllOfAsync(accountId, cancellationToken).ConfigureAwait(false))
        {
            await authorizations.RevokeBySubjectAsync(subject, cancellationToken).ConfigureAwait(false);
            await tokens.RevokeBySubjectAsync(subject, cancellationToken).ConfigureAwait(false);
        }
    }
}
