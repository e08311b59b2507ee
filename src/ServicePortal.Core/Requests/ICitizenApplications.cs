namespace ServicePortal.Core.Requests;

/// <summary>One of a citizen's applications, as another module (the helpdesk) may know it.</summary>
/// <param name="Reference">The portal reference, canonical (<c>SP-7K2M9QXR4</c>).</param>
public sealed record CitizenApplication(string Reference, string ServiceCode, string Agency, string Status);

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
}
