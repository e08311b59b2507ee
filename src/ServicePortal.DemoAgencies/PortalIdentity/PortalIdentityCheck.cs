using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ServicePortal.DemoAgencies.PortalIdentity;

/// <summary>Who the portal says the caller is, once the assertion saying so has been verified.</summary>
/// <param name="Subject"><c>sub</c>: pairwise, so it identifies the citizen to this agency only.</param>
/// <param name="Nin"><c>nin</c>: only for agencies entitled to the national ID number, else null.</param>
/// <param name="AssuranceLevel"><c>acr</c>: <c>urn:serviceportal:loa:low</c> or <c>urn:serviceportal:loa:substantial</c>.</param>
/// <param name="AuthenticationMethods"><c>amr</c>, e.g. <c>pwd</c>, <c>sms</c>.</param>
/// <param name="PortalRequestId"><c>rid</c>: the request that minted the assertion, not necessarily this one.</param>
public sealed record VerifiedIdentity(
    string Subject,
    string? Nin,
    string AssuranceLevel,
    IReadOnlyList<string> AuthenticationMethods,
    string? Name,
    string Issuer,
    string Audience,
    DateTimeOffset ExpiresAt,
    string TokenId,
    string? PortalRequestId);

/// <summary>
/// The portal itself, calling on its own behalf (not for a citizen): its background jobs asking for the status of
/// many applications at once. The assertion carries no citizen claims.
/// </summary>
/// <param name="Subject"><c>sub</c>: always <see cref="PortalIdentityVerifier.ServiceSubject"/>.</param>
public sealed record VerifiedPortalService(
    string Subject,
    string Issuer,
    string Audience,
    DateTimeOffset ExpiresAt,
    string TokenId,
    string? PortalRequestId);

/// <summary>Which kind of assertion an endpoint accepts; an assertion of the other kind is refused there.</summary>
public enum PortalAssertionKind
{
    /// <summary><c>typ</c> <c>portal-identity+jwt</c>: a signed-in citizen, forwarded by the gateway.</summary>
    Citizen,

    /// <summary><c>typ</c> <c>portal-service+jwt</c>: the portal's own jobs (batch status), no citizen.</summary>
    Service,
}

/// <summary>
/// The outcome of checking a request's <c>Portal-Identity</c>: the verified citizen (or, on a service endpoint, the
/// verified portal service), or why there is none.
/// </summary>
public sealed class PortalIdentityCheck
{
    public const string MissingType = "urn:serviceportal:problem:identity-missing";
    public const string InvalidType = "urn:serviceportal:problem:identity-invalid";

    private PortalIdentityCheck(VerifiedIdentity? identity, VerifiedPortalService? service, string? problemType, string? reason)
    {
        Identity = identity;
        Service = service;
        ProblemType = problemType;
        Reason = reason;
    }

    /// <summary>The citizen, when a <see cref="PortalAssertionKind.Citizen"/> assertion was verified.</summary>
    public VerifiedIdentity? Identity { get; }

    /// <summary>The portal service, when a <see cref="PortalAssertionKind.Service"/> assertion was verified.</summary>
    public VerifiedPortalService? Service { get; }

    /// <summary>The verified assertion's <c>jti</c> (for logs), else null.</summary>
    public string? TokenId => Identity?.TokenId ?? Service?.TokenId;

    /// <summary><see cref="MissingType"/> or <see cref="InvalidType"/> when refused.</summary>
    public string? ProblemType { get; }

    /// <summary>Why the identity was refused, in plain English (it becomes the problem's <c>detail</c>).</summary>
    public string? Reason { get; }

    [MemberNotNullWhen(true, nameof(TokenId))]
    [MemberNotNullWhen(false, nameof(ProblemType), nameof(Reason))]
    public bool IsVerified => Identity is not null || Service is not null;

    public static PortalIdentityCheck Verified(VerifiedIdentity identity) => new(identity, null, null, null);

    public static PortalIdentityCheck Verified(VerifiedPortalService service) => new(null, service, null, null);

    public static PortalIdentityCheck Missing(string reason) => new(null, null, MissingType, reason);

    public static PortalIdentityCheck Invalid(string reason) => new(null, null, InvalidType, reason);

    /// <summary>The 401 answer (RFC 9457) for a refused identity.</summary>
    public ProblemHttpResult ToProblem()
    {
        if (IsVerified)
        {
            throw new InvalidOperationException("A verified identity is not a problem.");
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: ProblemType == MissingType ? "No verified identity" : "Identity assertion refused",
            detail: Reason,
            type: ProblemType);
    }
}
