using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using ServicePortal.Catalog.Browse;
using ServicePortal.Catalog.Caching;
using ServicePortal.Catalog.Export;
using ServicePortal.Catalog.Search;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Catalog.Api;

/// <summary>
/// The public, anonymous catalogue API. Every 200 carries a strong ETag (a hash of the exact body) and
/// <c>Cache-Control: public, max-age=60</c>; a matching <c>If-None-Match</c> gets 304. Bodies do not depend on
/// the caller's language (texts come as <c>{sw, en}</c> pairs), so one cached body serves everybody; only
/// problem messages speak the caller's language. Bad parameters are RFC 9457 problems, never a 500.
/// </summary>
internal static partial class CatalogApi
{
    public const string CacheControl = "public, max-age=60";
    public const string InvalidParametersType = "urn:serviceportal:problem:invalid-parameters";
    public const string NotFoundType = "urn:serviceportal:problem:not-found";

    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/catalog");
        api.MapGet("/services", SearchAsync).RequireRateLimiting(SearchLimit.PolicyName);
        api.MapGet("/services/{code}", ServiceAsync);
        api.MapGet("/agencies", AgenciesAsync);
        api.MapGet("/categories", CategoriesAsync);
        api.MapGet("/life-events", LifeEventsAsync);
        api.MapGet("/export.jsonld", ExportAsync);
        return endpoints;
    }

    private static async Task<IResult> SearchAsync(HttpContext context, IValidator<SearchInput> validator,
        ServiceSearch search, CatalogCache cache, CancellationToken cancellationToken)
    {
        var input = SearchInput.FromQuery(context.Request.Query);
        var validation = await validator.ValidateAsync(input, cancellationToken);
        if (!validation.IsValid)
        {
            return InvalidParameters(validation);
        }

        var query = input.ToQuery();
        var body = await cache.GetOrLoadJsonAsync("api:" + query.CacheKey,
            ct => search.SearchAsync(query, ct), cancellationToken);
        return Cached(context, body);
    }

    private static async Task<IResult> ServiceAsync(string code, HttpContext context, CatalogReader reader,
        CatalogCache cache, CancellationToken cancellationToken)
    {
        if (!ServiceCodePattern().IsMatch(code) ||
            await reader.FindServiceAsync(code, cancellationToken) is not { } service)
        {
            return NotFound(T("Hakuna huduma iliyochapishwa yenye namba hiyo.", "There is no published service with that code."));
        }

        var body = await cache.GetOrLoadJsonAsync("api:service:" + code, _ => Task.FromResult(service), cancellationToken);
        return Cached(context, body);
    }

    private static async Task<IResult> AgenciesAsync(HttpContext context, CatalogReader reader, CatalogCache cache,
        CancellationToken cancellationToken) =>
        Cached(context, await cache.GetOrLoadJsonAsync("api:agencies",
            async ct => new { items = await reader.ListAgenciesAsync(ct) }, cancellationToken));

    private static async Task<IResult> CategoriesAsync(HttpContext context, CatalogReader reader, CatalogCache cache,
        CancellationToken cancellationToken) =>
        Cached(context, await cache.GetOrLoadJsonAsync("api:categories",
            async ct => new { items = await reader.ListCategoriesAsync(ct) }, cancellationToken));

    private static async Task<IResult> LifeEventsAsync(HttpContext context, CatalogReader reader, CatalogCache cache,
        CancellationToken cancellationToken) =>
        Cached(context, await cache.GetOrLoadJsonAsync("api:life-events",
            async ct => new { items = await reader.ListLifeEventsAsync(ct) }, cancellationToken));

    private static async Task<IResult> ExportAsync(HttpContext context, CatalogExport export, CatalogCache cache,
        CancellationToken cancellationToken)
    {
        var body = await cache.GetOrLoadAsync("api:export", async ct =>
        {
            var document = await export.BuildAsync(ct);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(document);
            return new CachedJson(bytes, CachedJson.StrongETag(bytes));
        }, cancellationToken);
        return Cached(context, body, CatalogExport.MediaType);
    }

    /// <summary>200 with the cached body, or 304 when the caller already holds it.</summary>
    private static IResult Cached(HttpContext context, CachedJson body, string contentType = "application/json")
    {
        var headers = context.Response.Headers;
        headers.ETag = body.ETag;
        headers.CacheControl = CacheControl;
        if (Matches(context.Request.Headers.IfNoneMatch, body.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(body.Body, contentType + "; charset=utf-8");
    }

    // If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/"x" matches "x".
    private static bool Matches(Microsoft.Extensions.Primitives.StringValues ifNoneMatch, string etag)
    {
        if (ifNoneMatch.Count == 0 || !EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags))
        {
            return false;
        }

        var current = new EntityTagHeaderValue(etag);
        return tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false));
    }

    private static IResult InvalidParameters(FluentValidation.Results.ValidationResult validation)
    {
        var errors = validation.Errors
            .GroupBy(e => JsonNamingPolicy.CamelCase.ConvertName(e.PropertyName), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct(StringComparer.Ordinal).ToArray(),
                StringComparer.Ordinal);
        return TypedResults.ValidationProblem(errors,
            title: T("Vigezo vya ombi si sahihi", "Some parameters are not valid"),
            detail: T("Rekebisha vigezo vilivyotajwa kisha ujaribu tena.", "Correct the parameters named below and try again."),
            type: InvalidParametersType);
    }

    private static IResult NotFound(string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: T("Haipatikani", "Not found"),
        detail: detail,
        type: NotFoundType);

    [GeneratedRegex("^[a-z][a-z0-9-]{2,79}$")]
    internal static partial Regex ServiceCodePattern();

    /// <summary>What an agency code can be (pages check it before asking the database).</summary>
    [GeneratedRegex("^[a-z][a-z0-9-]{1,39}$")]
    internal static partial Regex AgencyCodePattern();
}
