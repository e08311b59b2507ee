using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ServicePortal.Identity.Pages;

/// <summary>
/// What every form page of the module shares: its errors by field (shown next to the field and in a summary
/// at the top, in the person's language) and the safe handling of <c>returnUrl</c>.
/// </summary>
public abstract class FormPageModel : PageModel
{
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>A message about the form as a whole (not one field).</summary>
    public string? Problem { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? ErrorFor(string field) => Errors.GetValueOrDefault(field);

    public bool HasErrors => Errors.Count > 0 || Problem is not null;

    protected void AddErrors(ValidationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var error in result.Errors)
        {
            Errors.TryAdd(error.PropertyName, error.ErrorMessage);
        }
    }

    /// <summary>Only a path on this site; anything else (another host, <c>//evil</c>, <c>/\evil</c>) goes home.</summary>
    public string SafeReturnUrl(string fallback = "/account") =>
        !string.IsNullOrEmpty(ReturnUrl) && Url.IsLocalUrl(ReturnUrl) && ReturnUrl.Length <= 4096 ? ReturnUrl : fallback;

    protected IActionResult RedirectToReturnUrl(string fallback = "/account") => LocalRedirect(SafeReturnUrl(fallback));
}

/// <summary>One input with its label, hint and error, rendered by <c>_Field.cshtml</c>.</summary>
public sealed record Field(
    string Name,
    string Label,
    string? Value,
    string? Error,
    string Autocomplete = "off",
    string Type = "text",
    string? InputMode = null,
    string? Hint = null,
    int? MaxLength = null,
    string? CssClass = null);
