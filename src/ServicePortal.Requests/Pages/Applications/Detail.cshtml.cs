using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using ServicePortal.Catalog.Browse;
using ServicePortal.Catalog.Forms;
using ServicePortal.Core.Hosting;
using ServicePortal.Core.Identity;
using ServicePortal.Requests.Applications;

namespace ServicePortal.Requests.Pages.Applications;

/// <summary>
/// One application: where it is, what the agency said, what to do next and whom to ask, what was sent, and its
/// timeline. Everything the agency wrote is shown as text (Razor encodes it): an agency's words are never markup here.
/// </summary>
[Authorize]
internal sealed class DetailModel(
    RequestStore store,
    CatalogReader catalog,
    ApplicationValidator forms,
    IIdentityAssertions identity,
    IOptions<PortalContact> contact,
    RatingStore ratings,
    RatingValidator ratingRules,
    TimeProvider clock) : PageModel
{
    /// <summary>The citizen's rating, once given (null before).</summary>
    public GivenRating? Rating { get; private set; }

    /// <summary>The rating form as posted, when it has to be shown again with its errors.</summary>
    public RatingInput RatingPosted { get; private set; } = new(null, null);

    /// <summary>What is wrong with the posted rating, per field (<c>Score</c>, <c>Comment</c>), in the citizen's language.</summary>
    public IReadOnlyDictionary<string, string> RatingErrors { get; private set; } = new Dictionary<string, string>();

    /// <summary>Finished by the agency and not rated yet: the page asks for a rating.</summary>
    public bool AsksForRating => Rating is null && RatingStore.CanRate(Application.Status);

    /// <summary>The service's catalogue entry, for its name and its agency's (null if it has left the catalogue).</summary>
    public ServiceDetail? Service { get; private set; }

    /// <summary>The service's form today, to show the answers under their questions (null when there is none).</summary>
    public ApplicationForm? Form { get; private set; }

    public RequestView Application { get; private set; } = null!;

    /// <summary>The answers as they were sent.</summary>
    public JsonObject Answers { get; private set; } = [];

    /// <summary>What the agency asks to correct, while the application waits for the citizen.</summary>
    public CorrectionAsked? Correction { get; private set; }

    public IReadOnlyList<TimelineEvent> Timeline { get; private set; } = [];

    public bool JustSent { get; private set; }

    /// <summary>The portal's helpdesk (settings <c>Contact:HelpdeskPhone</c> and <c>Contact:HelpdeskEmail</c>).</summary>
    public PortalContact Helpdesk => contact.Value;

    /// <summary>The agency's website from the catalogue, when it has one that is a web address.</summary>
    public Uri? AgencyWebsite { get; private set; }

    /// <summary>The agency's short name (RITA), or its code when it has left the catalogue.</summary>
    public string AgencyName => Service?.Agency.ShortName ?? Application.Agency.ToUpperInvariant();

    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<IActionResult> OnGetAsync(string reference, CancellationToken cancellationToken)
    {
        if (await identity.AuthenticateAsync(HttpContext, PortalScopes.Requests) is not { } citizen)
        {
            return Challenge();
        }

        // Another citizen's reference is "not found", exactly as a reference that does not exist.
        if (!PortalReference.TryParse(reference, out var parsed) ||
            await store.FindAsync(citizen.AccountId, parsed.Value.Value, cancellationToken) is not { } request)
        {
            return NotFound();
        }

        await LoadAsync(request, cancellationToken);
        return Page();
    }

    /// <summary>
    /// The citizen rates their finished application (1 to 5, an optional comment), once. Posted again after it was
    /// rated, the first rating stays and the page shows it.
    /// </summary>
    public async Task<IActionResult> OnPostRateAsync(string reference, int? score, string? comment, CancellationToken cancellationToken)
    {
        if (await identity.AuthenticateAsync(HttpContext, PortalScopes.Requests) is not { } citizen)
        {
            return Challenge();
        }

        if (!PortalReference.TryParse(reference, out var parsed) ||
            await store.FindAsync(citizen.AccountId, parsed.Value.Value, cancellationToken) is not { } request)
        {
            return NotFound();
        }

        var input = new RatingInput(score, comment);
        var result = await ratingRules.ValidateAsync(input, cancellationToken);
        if (RatingStore.CanRate(request.Status) && !result.IsValid)
        {
            RatingPosted = input;
            RatingErrors = result.Errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.First().ErrorMessage);
            await LoadAsync(request, cancellationToken);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        if (RatingStore.CanRate(request.Status))
        {
            await ratings.AddAsync(citizen.AccountId, request.Id, input, cancellationToken);
        }

        return Redirect($"/maombi/{request.Reference}#rating");
    }

    private async Task LoadAsync(RequestView request, CancellationToken cancellationToken)
    {
        Application = request;
        JustSent = HttpContext.Request.Query.ContainsKey("sent");
        Rating = await ratings.FindAsync(request.Id, cancellationToken);
        Timeline = await store.ListTimelineAsync(request.Id, cancellationToken);
        Service = await catalog.FindServiceAsync(request.ServiceCode, cancellationToken);
        Form = Service is null ? null : forms.FormOf(Service);
        Answers = ParseObject(request.Answers) ?? [];
        Correction = request.Status == RequestStatus.ActionRequired ? CorrectionAsked.Read(request.Correction, Form) : null;
        var agency = (await catalog.ListAgenciesAsync(cancellationToken)).FirstOrDefault(a => a.Code == request.Agency);
        AgencyWebsite = Uri.TryCreate(agency?.Website, UriKind.Absolute, out var site) && site.Scheme is "https" or "http" ? site : null;
    }

    /// <summary>The due date is said while the agency still owes an answer; once finished it means nothing.</summary>
    public bool ShowsDueDate => Application.DueAt is not null && !RequestStatus.IsFinal(Application.Status);

    internal static JsonObject? ParseObject(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// The correction an agency asks for (<c>{"field", "message_sw", "message_en"}</c>, docs/agency-integration.md), read
/// without trusting it: a field the form does not have is not named, a message in one language only is shown to both.
/// </summary>
/// <param name="Field">The form's field, when the agency named one the form has.</param>
/// <param name="Path">The field's path in the answers.</param>
/// <param name="MessageSw">The agency's words, Kiswahili.</param>
/// <param name="MessageEn">The agency's words, English.</param>
internal sealed record CorrectionAsked(FormField? Field, string? Path, string? MessageSw, string? MessageEn)
{
    public string? Message => (MessageSw, MessageEn) switch
    {
        (null, null) => null,
        _ => Core.Localization.Lang.T(MessageSw ?? MessageEn!, MessageEn ?? MessageSw!),
    };

    public static CorrectionAsked? Read(string? json, ApplicationForm? form)
    {
        if (DetailModel.ParseObject(json) is not { } correction)
        {
            return null;
        }

        var path = Text(correction, "field", 200);
        var field = path is null || form is null ? null : form.FieldAt(path);
        var asked = new CorrectionAsked(field, field is null ? null : path, Text(correction, "message_sw", 1000), Text(correction, "message_en", 1000));
        return asked.Field is null && asked.Message is null ? null : asked;
    }

    private static string? Text(JsonObject o, string name, int max) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Trim() is { Length: > 0 } text
            ? text.Length > max ? text[..max] : text
            : null;
}
