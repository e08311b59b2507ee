namespace ServicePortal.Core.Audit;

/// <summary>The pairwise subject one agency knows a citizen by (sector <c>agency:{code}</c>).</summary>
public sealed record AgencySubject(string Agency, string Subject);

/// <summary>
/// The subjects agencies know an account by. Implemented by the identity module, which makes them; the gateway's
/// audit records calls by subject, never by account, so "who viewed my data" asks here first.
/// </summary>
public interface IAgencySubjects
{
    Task<IReadOnlyList<AgencySubject>> OfAccountAsync(Guid accountId, CancellationToken cancellationToken);
}

/// <summary>One call that carried the citizen's identity to an agency.</summary>
public sealed record CitizenAgencyCall(DateTimeOffset At, string Agency, string Endpoint);

/// <summary>
/// The calls that carried these subjects to their agencies, newest first. Implemented by the gateway module, which
/// keeps the audit.
/// </summary>
public interface ICitizenAgencyCalls
{
    Task<IReadOnlyList<CitizenAgencyCall>> ListAsync(IReadOnlyList<AgencySubject> subjects, int limit, int offset,
        CancellationToken cancellationToken);
}
