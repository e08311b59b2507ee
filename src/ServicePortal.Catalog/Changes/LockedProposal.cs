namespace ServicePortal.Catalog.Changes;

/// <summary>
/// A proposal (<c>catalog.proposals</c>) that <see cref="Onboarding.AgencyProposals"/> has locked inside a decision's
/// transaction, handed to the change classes that write the live entry and its history.
/// </summary>
/// <param name="Body">The proposal's body as JSON text.</param>
internal sealed record LockedProposal(long Id, string Kind, long AgencyId, string Key, string Body);
