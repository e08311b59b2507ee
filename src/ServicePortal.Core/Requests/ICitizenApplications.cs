namespace ServicePortal.Core.Requests;

/// <summary>One of a citizen's applications, as another module (the helpdesk) may know it.</summary>
/// <param name="Reference">The portal reference, canonical (<c>SP-7K2M9QXR4</c>).</param>
public sealed record CitizenApplication(string Reference, string ServiceCode, string Agency, string Status);

/// <summary>An application with its owner and timeline, for staff (the helpdesk's case screen). Times are UTC.</summary>
public sealed record CitizenApplicationHistory(Guid AccountId, string Reference, string ServiceCode, string Agency, string Status,
    DateTime CreatedAt, DateTime? DueAt, IReadOnlyList<CitizenApplicationEvent> Timeline);

/// <summary>One step of an application's timeline: a status it reached, and the agency's words with it.</summary>
public sealed record CitizenApplicationEvent(DateTime At, string Kind, string? Status, string? MessageSw, string? MessageEn);

/// <summary>
/// A citizen's applications, read by modules that must not read the Requests module's tables (the helpdesk checks
/// that the reference a ticket names is the citizen's own). Implemented by the Requests module.
/// </summary>
public interface ICitizenApplications
{
    /// <summary>
    /// The application with this reference (as a person typed it) when it is this citizen's; null when it is not a
    /// reference, does not exist, or is someone else's: the three are one answer, so nobody learns of another's.
    /// </summary>
    Task<CitizenApplication?> FindOwnAsync(Guid accountId, string reference, CancellationToken cancellationToken);

    /// <summary>
    /// For staff (the caller writes the access log): the application with this reference, whoever's it is, with its
    /// owner and timeline; null when it is not a reference or does not exist.
    /// </summary>
    Task<CitizenApplicationHistory?> FindForStaffAsync(string reference, CancellationToken cancellationToken);

    /// <summary>For staff: a citizen's applications, newest first (at most <paramref name="limit"/>), each with its timeline.</summary>
    Task<IReadOnlyList<CitizenApplicationHistory>> ListForStaffAsync(Guid accountId, int limit, CancellationToken cancellationToken);

    /// <summary>An application's status in the reader's language, in the Requests module's words ("Imetumwa kwa taasisi").</summary>
    string DescribeStatus(string status);
}
