using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Browse;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Localization;
using ServicePortal.Requests.Applications;
using ServicePortal.Requests.Forms;

namespace ServicePortal.Requests.Pages.Applications;

/// <summary>
/// Applying, in three steps that work without JavaScript: the form (drawn from the service's JSON Schema),
/// the review of the answers, and the submission. Answers are checked on the server at each step; the review
/// carries them in a hidden field and they are checked again when sent. A double click sends one application:
/// the form's one-time token is the Idempotency-Key.
/// </summary>
[Authorize]
public sealed class ApplyModel(CatalogReader catalog, ApplicationValidator validator, RequestStore store, IIdentityAssertions identity)
    : PageModel
{
    public ServiceDetail Service { get; private set; } = null!;

    public ApplicationForm Form { get; private set; } = null!;

    public JsonObject Answers { get; private set; } = [];

    public IReadOnlyList<FieldError> Errors { get; private set; } = [];

    /// <summary>Shown: the form (false) or the review (true).</summary>
    public bool Reviewing { get; private set; }

    [BindProperty]
    public string? Token { get; set; }

    [BindProperty]
    public string? AnswersJson { get; set; }

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(code, cancellationToken).ConfigureAwait(false))
        {
            return NotFound();
        }

        Token = Guid.NewGuid().ToString("N");
        return Page();
    }

    /// <summary>From the form to the review (or back to the form with the errors).</summary>
    public async Task<IActionResult> OnPostReviewAsync(string code, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(code, cancellationToken).ConfigureAwait(false))
        {
            return NotFound();
        }

        Answers = Form.ReadAnswers(Request.Form);
        Errors = Form.Validate(Answers);
        Reviewing = Errors.Count == 0;
        AnswersJson = Answers.ToJsonString();
        Token = ValidToken(Token);
        return Page();
    }

    /// <summary>Back from the review to the form, answers kept.</summary>
    public async Task<IActionResult> OnPostEditAsync(string code, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(code, cancellationToken).ConfigureAwait(false))
        {
            return NotFound();
        }

        Answers = Parse(AnswersJson);
        Token = ValidToken(Token);
        return Page();
    }

    public async Task<IActionResult> OnPostSubmitAsync(string code, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(code, cancellationToken).ConfigureAwait(false))
        {
            return NotFound();
        }

        Answers = Parse(AnswersJson);
        Errors = Form.Validate(Answers);
        Token = ValidToken(Token);
        if (Errors.Count > 0)
        {
            return Page();
        }

        var citizen = await identity.AuthenticateAsync(HttpContext, Api.CitizenRequestsApi.Scope).ConfigureAwait(false);
        if (citizen is null)
        {
            return Challenge();
        }

        var (request, _) = await store.CreateAsync(new NewRequest(citizen.AccountId, Service.Code, Service.Agency.Code, Answers,
            "form:" + Token, Lang.Current, citizen.Acr, citizen.Amr, Service.ProcessingTime.Days, Service.SubmitPath!, Service.StatusPath!),
            cancellationToken).ConfigureAwait(false);
        return Redirect($"/maombi/{request.Reference}?sent=1");
    }

    private async Task<bool> LoadAsync(string code, CancellationToken cancellationToken)
    {
        if (code.Length > 80 || await catalog.ServiceAsync(code, cancellationToken).ConfigureAwait(false) is not { } service ||
            !service.AppliesOnline || service.SubmitPath is null || service.StatusPath is null || validator.FormOf(service) is not { } form)
        {
            return false;
        }

        Service = service;
        Form = form;
        return true;
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
