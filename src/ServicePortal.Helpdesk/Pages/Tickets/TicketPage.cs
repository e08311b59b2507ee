using System.Globalization;
using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Core.Identity;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Helpdesk.Pages.Tickets;

/// <summary>
/// What the citizen's ticket pages share: who is signed in (the portal's browser session, as the other citizen pages
/// use it), and the form's errors by field, shown beside the field and in a summary at the top.
/// </summary>
internal abstract class TicketPage(IIdentityAssertions identity) : PageModel
{
    /// <summary>
    /// These are browser pages: an app's bearer token is not taken here (no token is ever granted this scope), so a
    /// form cannot be posted with one.
    /// </summary>
    private const string NoBearerScope = "helpdesk.pages";

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>A message about the form as a whole (the daily limit).</summary>
    public string? Problem { get; protected set; }

    public string? ErrorFor(string field) => Errors.GetValueOrDefault(field);

    public bool HasErrors => Errors.Count > 0 || Problem is not null;

    protected Task<SignedInCitizen?> CitizenAsync() => identity.AuthenticateAsync(HttpContext, NoBearerScope);

    protected void AddErrors(ValidationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var error in result.Errors)
        {
            Errors.TryAdd(error.PropertyName, error.ErrorMessage);
        }
    }

    /// <summary>"Try again after 14:05 on 8 December 2026 (East Africa Time)": when a daily limit lets the citizen go on.</summary>
    protected static string After(DateTimeOffset until)
    {
        var local = until.ToOffset(TimeSpan.FromHours(3));
        var (time, date) = (local.ToString("HH:mm", CultureInfo.InvariantCulture), local.ToString("d MMMM yyyy", CultureInfo.CurrentCulture));
        return T($"baada ya saa {time}, {date} (saa za Afrika Mashariki)", $"after {time} on {date} (East Africa Time)");
    }
}
