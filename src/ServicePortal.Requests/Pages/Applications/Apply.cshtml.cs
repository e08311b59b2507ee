using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Browse;
using ServicePortal.Catalog.Forms;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Localization;
using ServicePortal.Requests.Applications;

namespace ServicePortal.Requests.Pages.Applications;

/// <summary>
/// Applying, in three steps that work without JavaScript: the form (drawn from the service's JSON Schema),
/// the review of the answers, and the submission. Answers are checked on the server at each step; the review
/// carries them in a hidden field and they are checked again when sent. A double click sends one application:
/// the form's one-time token is the Idempotency-Key. A service whose stored form the engine refuses (the catalogue
/// checks forms at onboarding, but one may predate the check or be written directly) gets a plain "the online form
/// is unavailable" page with status 503, never a bare 404 or 500.
/// A service that does not exist or takes no applications here is a 404 before anyone is asked to sign in (issue 11:
/// nobody should type a password and an SMS code to learn that a link is wrong); the form itself is for a signed-in
/// citizen. Posts need one before anything else, as <c>[Authorize]</c> did (see <see cref="SignedInToPostAttribute"/>).
/// </summary>
[SignedInToPost]
internal sealed class ApplyModel(CatalogReader catalog, ApplicationValidator validator, RequestStore store, IIdentityAssertions identity)
    : PageModel
{
    public ServiceDetail Service { get; private set; } = null!;

    public ApplicationForm Form { get; private set; } = null!;

    public JsonObject Answers { get; private set; } = [];

    public IReadOnlyList<FieldError> Errors { get; private set; } = [];

    /// <summary>The service takes applications here, but its form cannot be shown: the page says so and nothing more.</summary>
    public bool FormUnavailable { get; private set; }

    /// <summary>Shown: the form (false) or the review (true).</summary>
    public bool Reviewing { get; private set; }

    [BindProperty]
    public string? Token { get; set; }

    [BindProperty]
    public string? AnswersJson { get; set; }

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken cancellationToken)
    {
        if (await LoadAsync(code, cancellationToken) is { } stop)
        {
            return stop;
        }

        if (await identity.AuthenticateAsync(HttpContext, PortalScopes.Requests) is null)
        {
            return Challenge();
        }

        Token = Guid.NewGuid().ToString("N");
        return Page();
    }

    /// <summary>From the form to the review (or back to the form with the errors).</summary>
    public async Task<IActionResult> OnPostReviewAsync(string code, CancellationToken cancellationToken)
    {
        if (await LoadAsync(code, cancellationToken) is { } stop)
        {
            return stop;
        }

        Answers = Form.ReadAnswers(Request.Form);
        Errors = Form.Validate(Answers, validator.Today);
        Reviewing = Errors.Count == 0;
        AnswersJson = Answers.ToJsonString();
        Token = ValidToken(Token);
        return Page();
    }

    /// <summary>Back from the review to the form, answers kept.</summary>
    public async Task<IActionResult> OnPostEditAsync(string code, CancellationToken cancellationToken)
    {
        if (await LoadAsync(code, cancellationToken) is { } stop)
        {
            return stop;
        }

        Answers = Parse(AnswersJson);
        Token = ValidToken(Token);
        return Page();
    }

    public async Task<IActionResult> OnPostSubmitAsync(string code, CancellationToken cancellationToken)
    {
        if (await LoadAsync(code, cancellationToken) is { } stop)
        {
            return stop;
        }

        Answers = Parse(AnswersJson);
        Errors = Form.Validate(Answers, validator.Today);
        Token = ValidToken(Token);
        if (Errors.Count > 0)
        {
            return Page();
        }

        var citizen = await identity.AuthenticateAsync(HttpContext, PortalScopes.Requests);
        if (citizen is null)
        {
            return Challenge();
        }

        var (request, _) = await store.CreateAsync(new NewRequest(citizen.AccountId, Service.Code, Service.Agency.Code, Answers,
            "form:" + Token, Lang.Current, citizen.Acr, citizen.Amr, Service.ProcessingTime.Days, Service.SubmitPath!, Service.StatusPath!),
            cancellationToken);
        return Redirect($"/maombi/{request.Reference}?sent=1");
    }

    /// <summary>Null when the service and its form are loaded; otherwise what to answer instead.</summary>
    private async Task<IActionResult?> LoadAsync(string code, CancellationToken cancellationToken)
    {
        if (code.Length > 80 || await catalog.FindServiceAsync(code, cancellationToken) is not { } service ||
            !service.AppliesOnline || service.SubmitPath is null || service.StatusPath is null)
        {
            return NotFound();
        }

        Service = service;
        if (validator.FormOf(service) is { } form)
        {
            Form = form;
            return null;
        }

        if (!validator.FormUnavailable(service))
        {
            return NotFound();
        }

        FormUnavailable = true;
        Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return Page();
    }

    private static string ValidToken(string? token) =>
        token is { Length: 32 } && token.All(char.IsAsciiHexDigitLower) ? token : Guid.NewGuid().ToString("N");

    private static JsonObject Parse(string? json)
    {
        if (string.IsNullOrEmpty(json) || json.Length > 300_000)
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(json) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
