namespace ServicePortal.Catalog.Pages.Admin;

/// <summary>
/// The confirmation page of a decision that takes something away (reject, suspend), as GOV.UK's pattern does: it
/// says what will happen, repeats the reason the agency will read, and asks once more with a red button that posts
/// the decision (<see cref="Handler"/>, with the reason and the version the page showed). No script is needed:
/// the first form posts to a "Confirm…" handler that changes nothing and answers with this page.
/// </summary>
internal sealed record ConfirmDecision(string Question, string Consequence, string Reason, int Version, string Handler, string Button, string CancelHref);
