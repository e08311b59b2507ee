using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.Catalog.Changes;
using ServicePortal.Core.Identity;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Catalog.Onboarding;

/// <summary>
/// The agency onboarding API: an agency's backend, with a client-credentials token of scope
/// <c>agency.manage</c> bound to its agency, drafts its services and endpoints, lists its own entries and submits
/// them for approval. Another agency's entries do not exist for it (404, never 403: a code's existence is not
/// revealed). Nothing here touches a live row: proposals wait in <c>catalog.proposals</c> for the administrator.
/// </summary>
internal static class OnboardingApi
{
    // The identity module issues and validates the tokens; modules depend on Core only, so the contract is
    // Core's names: the token scheme, the scope PortalScopes.AgencyManage and the claim PortalClaims.Agency.

    public const string InvalidEntryType = "urn:serviceportal:problem:invalid-entry";
    public const string ForbiddenType = "urn:serviceportal:problem:forbidden";
    public const string ConflictType = "urn:serviceportal:problem:already-submitted";
    public const string WrongStatusType = "urn:serviceportal:problem:wrong-status";

    private static readonly AuthorizationPolicy TokenPolicy =
        new AuthorizationPolicyBuilder(PortalAuthorization.TokenScheme).RequireAuthenticatedUser().Build();

    public static IEndpointRouteBuilder MapOnboardingApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/agency")
            .RequireAuthorization(TokenPolicy)
            .AddEndpointFilter(RequireAgencyScopeAsync)
            .DisableAntiforgery();
        api.MapGet("", GetAgencyAsync);
        api.MapPost("/submit", SubmitAgencyAsync);
        api.MapGet("/services", (HttpContext http, AgencyProposals proposals, CancellationToken ct) =>
            ListAsync(http, proposals, AgencyProposals.ServiceKind, ct));
        api.MapPut("/services/{code}", PutServiceAsync);
        api.MapPost("/services/{code}/submit", (string code, HttpContext http, AgencyProposals proposals, CancellationToken ct) =>
            SubmitAsync(http, proposals, AgencyProposals.ServiceKind, code, ct));
        api.MapPost("/services/{code}/retire", RetireServiceAsync);
        api.MapGet("/endpoints", (HttpContext http, AgencyProposals proposals, CancellationToken ct) =>
            ListAsync(http, proposals, AgencyProposals.EndpointKind, ct));
        api.MapPut("/endpoints/{name}", PutEndpointAsync);
        api.MapPost("/endpoints/{name}/submit", (string name, HttpContext http, AgencyProposals proposals, CancellationToken ct) =>
            SubmitAsync(http, proposals, AgencyProposals.EndpointKind, name, ct));
        api.MapPost("/endpoints/{name}/disable", DisableEndpointAsync);
        return endpoints;
    }

    /// <summary>The caller's agency code and id, set by the filter.</summary>
    private sealed record Caller(string Agency, long AgencyId);

    private static async ValueTask<object?> RequireAgencyScopeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var user = http.User;
        if (!PortalScopes.Granted(user, PortalScopes.AgencyManage))
        {
            return Forbidden(T("Tokeni haina ruhusa ya agency.manage.", "The token does not carry the agency.manage scope."));
        }

        var agency = user.FindFirstValue(PortalClaims.Agency);
        var agencyId = string.IsNullOrEmpty(agency)
            ? null
            : await http.RequestServices.GetRequiredService<AgencyProposals>().FindAgencyIdAsync(agency, http.RequestAborted);
        if (agency is null || agencyId is null)
        {
            return Forbidden(T("Mteja huyu hajafungwa na taasisi iliyopo kwenye orodha.",
                "This client is not bound to an agency in the catalogue."));
        }

        http.Items[typeof(Caller)] = new Caller(agency, agencyId.Value);
        return await next(context);
    }

    private static Caller CallerOf(HttpContext http) => (Caller)http.Items[typeof(Caller)]!;

    private static async Task<IResult> PutServiceAsync(string code, ServiceProposal? proposal, HttpContext http,
        IValidator<ServiceProposalInput> validator, AgencyProposals proposals, CancellationToken cancellationToken)
    {
        var caller = CallerOf(http);
        // Only the agency's own prefix can ever be its code: anything else is "not yours", whether it exists or not.
        if (!code.StartsWith(caller.Agency + "-", StringComparison.Ordinal))
        {
            return NotFound();
        }

        if (proposal is null)
        {
            return Invalid(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                ["body"] = [OnboardingRules.Both("Tuma huduma kama JSON.", "Send the service as JSON.")],
            });
        }

        var validation = await validator.ValidateAsync(new ServiceProposalInput(code, caller.Agency, proposal), cancellationToken);
        if (!validation.IsValid)
        {
            return Invalid(Errors(validation));
        }

        var outcome = await proposals.SaveAsync(AgencyProposals.ServiceKind, caller.AgencyId, code,
            proposal.ToBody(code, caller.Agency), cancellationToken);
        return outcome == SaveOutcome.NotYours ? NotFound() : await EntryAsync(http, proposals, AgencyProposals.ServiceKind, code, cancellationToken);
    }

    private static async Task<IResult> PutEndpointAsync(string name, EndpointProposal? proposal, HttpContext http,
        IValidator<EndpointProposalInput> validator, AgencyProposals proposals, CancellationToken cancellationToken)
    {
        var caller = CallerOf(http);
        if (proposal is null)
        {
            return Invalid(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                ["body"] = [OnboardingRules.Both("Tuma kituo kama JSON.", "Send the endpoint as JSON.")],
            });
        }

        var validation = await validator.ValidateAsync(new EndpointProposalInput(name, proposal), cancellationToken);
        if (!validation.IsValid)
        {
            return Invalid(Errors(validation));
        }

        await proposals.SaveAsync(AgencyProposals.EndpointKind, caller.AgencyId, name, proposal.ToBody(name, caller.Agency),
            cancellationToken);
        return await EntryAsync(http, proposals, AgencyProposals.EndpointKind, name, cancellationToken);
    }

    /// <summary>The caller's agency: its status and the reason of the administrator's last decision.</summary>
    private static async Task<IResult> GetAgencyAsync(HttpContext http, AgencyChanges agencies, CancellationToken cancellationToken)
    {
        var agency = await agencies.FindAsync(CallerOf(http).AgencyId, cancellationToken);
        return agency is null ? NotFound() : TypedResults.Ok(ToJson(agency));
    }

    /// <summary>A draft agency (new, or rejected) asks the administrator to approve it.</summary>
    private static async Task<IResult> SubmitAgencyAsync(HttpContext http, AgencyChanges agencies, CancellationToken cancellationToken)
    {
        var caller = CallerOf(http);
        var outcome = await agencies.SubmitAsync(caller.AgencyId, "agency:" + caller.Agency, cancellationToken);
        return outcome switch
        {
            AgencyRequestOutcome.NotFound => NotFound(),
            AgencyRequestOutcome.AlreadyDone => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: T("Tayari imetumwa", "Already submitted"),
                detail: T("Taasisi yako inasubiri idhini tayari.", "Your agency is already awaiting approval."),
                type: ConflictType),
            AgencyRequestOutcome.WrongStatus => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: T("Hali hairuhusu", "Not in this status"),
                detail: T("Taasisi iliyoidhinishwa au iliyositishwa haiombi idhini tena.",
                    "An approved or suspended agency does not ask for approval again."),
                type: WrongStatusType),
            _ => await GetAgencyAsync(http, agencies, cancellationToken),
        };
    }

    /// <summary>
    /// The agency withdraws a live service at once (no approval: an agency must be able to stop a broken or
    /// abolished service). Another agency's code, or a code with nothing live, is 404 and changes nothing.
    /// </summary>
    private static async Task<IResult> RetireServiceAsync(string code, StopRequest? request, HttpContext http,
        IValidator<StopRequest> validator, ServiceChanges changes, AgencyProposals proposals, CancellationToken cancellationToken)
    {
        var caller = CallerOf(http);
        if (await InvalidStopAsync(request, validator, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        // Only the caller's own live service is found (by its agency id): anything else is 404 and nothing changes.
        var outcome = await changes.RetireAsync(caller.AgencyId, code, request!.Reason!.Trim(), "agency:" + caller.Agency,
            cancellationToken);
        return outcome == AgencyRequestOutcome.NotFound
            ? NotFound()
            : await EntryAsync(http, proposals, AgencyProposals.ServiceKind, code, cancellationToken);
    }

    /// <summary>The agency stops one of its gateway endpoints at once; the gateway answers 503 for it.</summary>
    private static async Task<IResult> DisableEndpointAsync(string name, StopRequest? request, HttpContext http,
        IValidator<StopRequest> validator, AgencyChanges agencies, AgencyProposals proposals, CancellationToken cancellationToken)
    {
        var caller = CallerOf(http);
        if (await InvalidStopAsync(request, validator, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        var outcome = await agencies.DisableEndpointAsync(caller.AgencyId, name, request!.Reason!.Trim(), "agency:" + caller.Agency,
            cancellationToken);
        return outcome == AgencyRequestOutcome.NotFound
            ? NotFound()
            : await EntryAsync(http, proposals, AgencyProposals.EndpointKind, name, cancellationToken);
    }

    private static async Task<IResult?> InvalidStopAsync(StopRequest? request, IValidator<StopRequest> validator,
        CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return Invalid(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                ["body"] = [OnboardingRules.Both("Tuma sababu kama JSON: {\"reason\": \"...\"}.", "Send the reason as JSON: {\"reason\": \"...\"}.")],
            });
        }

        var validation = await validator.ValidateAsync(request, cancellationToken);
        return validation.IsValid ? null : Invalid(Errors(validation));
    }

    private static object ToJson(AgencyRecord agency) => new
    {
        code = agency.Code,
        shortName = agency.ShortName,
        name = new { sw = agency.NameSw, en = agency.NameEn },
        status = agency.Status,
        statusReason = agency.StatusReason,
        statusChangedAt = agency.StatusChangedAt is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : (DateTime?)null,
        publishedServices = agency.PublishedServices,
        approvedEndpoints = agency.ApprovedEndpoints,
    };

    private static async Task<IResult> ListAsync(HttpContext http, AgencyProposals proposals, string kind, CancellationToken cancellationToken)
    {
        var entries = await proposals.ListAsync(kind, CallerOf(http).AgencyId, cancellationToken);
        return TypedResults.Ok(new { items = entries.Select(ToJson).ToArray() });
    }

    private static async Task<IResult> SubmitAsync(HttpContext http, AgencyProposals proposals, string kind, string key,
        CancellationToken cancellationToken)
    {
        var outcome = await proposals.SubmitAsync(kind, CallerOf(http).AgencyId, key, cancellationToken);
        return outcome switch
        {
            SubmitOutcome.NotFound => NotFound(),
            SubmitOutcome.AlreadySubmitted => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: T("Tayari imetumwa", "Already submitted"),
                detail: T("Pendekezo hili linasubiri idhini tayari.", "This proposal is already awaiting approval."),
                type: ConflictType),
            _ => await EntryAsync(http, proposals, kind, key, cancellationToken),
        };
    }

    private static async Task<IResult> EntryAsync(HttpContext http, AgencyProposals proposals, string kind, string key,
        CancellationToken cancellationToken)
    {
        var entries = await proposals.ListAsync(kind, CallerOf(http).AgencyId, cancellationToken);
        return TypedResults.Ok(ToJson(entries.Single(e => e.Key == key)));
    }

    private static object ToJson(AgencyEntry entry) => new
    {
        key = entry.Key,
        status = entry.LiveStatus,
        proposal = entry.ProposalStatus is null ? null : new
        {
            status = entry.ProposalStatus,
            rejectionReason = entry.RejectionReason,
            updatedAt = entry.ProposalUpdatedAt is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : (DateTime?)null,
            entry = entry.Proposal is null ? null : JsonNode.Parse(entry.Proposal),
        },
    };

    private static Dictionary<string, string[]> Errors(FluentValidation.Results.ValidationResult validation) =>
        validation.Errors
            .GroupBy(e => e.PropertyName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

    private static IResult Invalid(Dictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors,
        title: OnboardingRules.Both("Taarifa si sahihi", "The entry is not valid"),
        detail: OnboardingRules.Both("Rekebisha sehemu zilizotajwa kisha utume tena.", "Correct the fields named below and send it again."),
        type: InvalidEntryType);

    private static IResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
        title: T("Haipatikani", "Not found"),
        detail: T("Taasisi yako haina kitu chenye jina hilo.", "Your agency has nothing by that name."),
        type: Api.CatalogApi.NotFoundType);

    private static IResult Forbidden(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
        title: T("Hairuhusiwi", "Forbidden"), detail: detail, type: ForbiddenType);
}
