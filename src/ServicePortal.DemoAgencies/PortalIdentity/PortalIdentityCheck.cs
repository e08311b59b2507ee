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

/// <summary>The outcome of checking a request's <c>Portal-Identity</c>: the verified identity, or why there is none.</summary>
public sealed class PortalIdentityCheck
{
    public const string MissingType = "urn:serviceportal:problem:identity-missing";
    public const string InvalidType = "urn:serviceportal:problem:identity-invalid";

    private PortalIdentityCheck(VerifiedIdentity? identity, string? problemType, string? reason)
    {
        Identity = identity;
        ProblemType = problemType;
        Reason = reason;
    }

    public VerifiedIdentity? Identity { get; }

    /// <summary><see cref="MissingType"/> or <see cref="InvalidType"/> when refused.</summary>
    public string? ProblemType { get; }

    /// <summary>Why the identity was refused, in plain English (it becomes the problem's <c>detail</c>).</summary>
    public string? Reason { get; }

    [MemberNotNullWhen(true, nameof(Identity))]
    [MemberNotNullWhen(false, nameof(ProblemType), nameof(Reason))]
    public bool IsVerified => Identity is not null;

    public static PortalIdentityCheck Verified(VerifiedIdentity identity) => new(identity, null, null);

    public static PortalIdentityCheck Missing(string reason) => new(null, MissingType, reason);

    public static PortalIdentityCheck Invalid(string reason) => new(null, InvalidType, reason);

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
