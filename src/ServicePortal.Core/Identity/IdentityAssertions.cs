using Microsoft.AspNetCore.Http;

namespace ServicePortal.Core.Identity;

/// <summary>
/// A citizen signed in to the portal, as the Identity module knows them: what another module (the gateway,
/// the application connector) needs to speak for them to an agency, and nothing more.
/// </summary>
/// <param name="AccountId">Never leaves the portal.</param>
/// <param name="SessionKey">Stable for one sign-in (a browser session or one access token): assertions are
/// cached per session and agency.</param>
public sealed record SignedInCitizen(
    Guid AccountId,
    string Name,
    NationalIdNumber Nin,
    string Acr,
    IReadOnlyList<string> Amr,
    string SessionKey);

/// <summary>
/// The portal's identity statements to agencies: who is signed in on a request, and a short-lived signed
/// assertion (<c>Portal-Identity</c>, a JWS verified with the portal's JWKS) that tells one agency who that is.
/// Implemented by the Identity module, which holds the accounts, pairwise subjects and signing keys.
/// </summary>
public interface IIdentityAssertions
{
    /// <summary>The <c>Portal-Identity</c> header an agency receives.</summary>
    public const string HeaderName = "Portal-Identity";

    /// <summary>The JOSE <c>typ</c> of an assertion, so it cannot be mistaken for any other token the portal signs.</summary>
    public const string TokenType = "portal-identity+jwt";

    /// <summary>
    /// The citizen behind the request: the portal's browser session, or a bearer access token that carries
    /// <paramref name="bearerScope"/>. Null when nobody (or nobody valid) is signed in.
    /// </summary>
    Task<SignedInCitizen?> AuthenticateAsync(HttpContext context, string bearerScope);

    /// <summary>
    /// A signed assertion about <paramref name="citizen"/> addressed to <paramref name="agencyCode"/>, re-used
    /// for the same session and agency while more than half of its life is left (signing is the costly part).
    /// </summary>
    ValueTask<IssuedAssertion> IssueAsync(SignedInCitizen citizen, string agencyCode, bool includeNin, string requestId,
        HttpContext? context, CancellationToken cancellationToken);

    /// <summary>
    /// The citizen of an account, outside any request (the background submission of an application), at the
    /// assurance level they had when they applied. Null when the account is gone.
    /// </summary>
    Task<SignedInCitizen?> ForAccountAsync(Guid accountId, string acr, IReadOnlyList<string> amr, CancellationToken cancellationToken);

    /// <summary>
    /// An assertion that the portal itself is calling (<c>typ</c> <see cref="ServiceTokenType"/>, <c>sub</c>
    /// <see cref="ServiceSubject"/>, no citizen): the status sync's batch questions. Re-used like a citizen's.
    /// </summary>
    ValueTask<string> IssueServiceAssertionAsync(string agencyCode, CancellationToken cancellationToken);

    public const string ServiceTokenType = "portal-service+jwt";
    public const string ServiceSubject = "serviceportal";
}

/// <summary>How to reach a citizen with a notice: the Identity module's answer for the Requests module.</summary>
public sealed record CitizenContact(Guid AccountId, string FirstName, string Phone, string? Email, string Language);

/// <summary>Contacts of citizens by account, many at once (a status sync notifies a batch).</summary>
public interface ICitizenDirectory
{
    Task<IReadOnlyDictionary<Guid, CitizenContact>> ContactsAsync(IReadOnlyCollection<Guid> accountIds, CancellationToken cancellationToken);
}

/// <summary>Which agencies may receive the NIN (recorded by the administrator; the gateway keeps the list).</summary>
public interface IAgencyEntitlements
{
    bool ReceivesNin(string agencyCode);
}

/// <param name="Token">The compact JWS.</param>
/// <param name="Subject">The pairwise subject it names (what the audit records as "who").</param>
public sealed record IssuedAssertion(string Token, string Subject, DateTimeOffset ExpiresAt);
