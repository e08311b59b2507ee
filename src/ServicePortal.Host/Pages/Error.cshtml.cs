using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Host.Pages;

/// <summary>
/// Every error a person or a program can meet: 404, 500 and the rest, in the caller's language. Browsers get
/// a page; API callers (a path under <c>/api</c>, or a request that does not accept HTML) get an RFC 9457
/// problem. Neither ever carries a stack trace: in Development the developer page shows one instead.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel(IProblemDetailsService problems) : PageModel
{
    public int Code { get; private set; }
    public string Title { get; private set; } = "";
    public string Detail { get; private set; } = "";
    public string? RequestId { get; private set; }

    public Task<IActionResult> OnGetAsync(int code) => Render(code);
    public Task<IActionResult> OnPostAsync(int code) => Render(code);

    private async Task<IActionResult> Render(int code)
    {
        if (code is < 400 or > 599 || (HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is null &&
                                          HttpContext.Features.Get<IExceptionHandlerFeature>() is null))
        {
            // Asked for directly (/error/500 typed in): it is not an error page, it is a missing one.
            code = StatusCodes.Status404NotFound;
        }

        // The exception handler chose the status (503 when the database is away): the page says that one.
        if (HttpContext.Features.Get<IExceptionHandlerFeature>() is not null && Response.StatusCode is >= 500 and <= 599)
        {
            code = Response.StatusCode;
            if (code == StatusCodes.Status503ServiceUnavailable)
            {
                Response.Headers.RetryAfter = "5"; // a database restart or failover takes seconds
            }
        }

        Code = code;
        (Title, Detail) = Describe(code);
        // The gateway gives every call an X-Request-Id (the agency sees it too): quote that one when there is one.
        RequestId = code >= 500
            ? Response.Headers["X-Request-Id"].FirstOrDefault() ?? Activity.Current?.TraceId.ToString() ?? HttpContext.TraceIdentifier
            : null;
        Response.StatusCode = code;

        var originalPath = HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath
                           ?? HttpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path
                           ?? Request.Path.Value ?? "";
        if (WantsProblem(originalPath))
        {
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = HttpContext,
                ProblemDetails =
                {
                    Status = code,
                    Title = Title,
                    Detail = Detail,
                    Type = $"urn:serviceportal:problem:http-{code}",
                    Extensions = { ["requestId"] = RequestId ?? HttpContext.TraceIdentifier },
                },
            });
            return new EmptyResult();
        }

        return Page();
    }

    private bool WantsProblem(string originalPath)
    {
        if (originalPath.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var accept = Request.Headers.Accept.ToString();
        return accept.Length > 0 && !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase) &&
               !accept.Contains("*/*", StringComparison.Ordinal);
    }

    private static (string Title, string Detail) Describe(int code) => code switch
    {
        404 => (T("Ukurasa haupatikani", "Page not found"),
                T("Hatukupata ukurasa ulioutafuta. Huenda anwani imekosewa au ukurasa umehamishwa.",
                  "We could not find the page you asked for. The address may be mistyped, or the page has moved.")),
        400 => (T("Ombi lisilo sahihi", "Bad request"),
                T("Ombi halikueleweka. Tafadhali angalia ulichojaza kisha ujaribu tena.",
                  "The request could not be understood. Please check what you entered and try again.")),
        401 => (T("Ingia kwanza", "Sign in first"),
                T("Ukurasa huu unahitaji uingie kwenye akaunti yako ya ServicePortal.",
                  "This page needs you to sign in to your ServicePortal account.")),
        403 => (T("Huna ruhusa", "Not allowed"),
                T("Huna ruhusa ya kuona ukurasa huu.", "You are not allowed to see this page.")),
        405 => (T("Njia hairuhusiwi", "Method not allowed"),
                T("Ukurasa huu haupokei ombi la aina hii.", "This page does not accept this kind of request.")),
        413 => (T("Ombi ni kubwa mno", "Request too large"),
                T("Ulichotuma ni kikubwa kuliko kinachoruhusiwa.", "What you sent is larger than allowed.")),
        429 => (T("Maombi ni mengi mno", "Too many requests"),
                T("Umetuma maombi mengi kwa muda mfupi. Subiri kidogo kisha ujaribu tena.",
                  "You sent too many requests in a short time. Wait a little and try again.")),
        503 => (T("Huduma haipatikani kwa sasa", "Service unavailable"),
                T("Huduma hii haipatikani kwa sasa. Tafadhali jaribu tena baadaye.",
                  "This service is not available right now. Please try again later.")),
        502 => (T("Taasisi haikujibu ipasavyo", "The agency did not answer properly"),
                T("Mfumo wa taasisi inayotoa huduma hii haukujibu ipasavyo. Tafadhali jaribu tena baadaye.",
                  "The system of the agency that provides this service did not answer properly. Please try again later.")),
        504 => (T("Taasisi imechelewa kujibu", "The agency took too long to answer"),
                T("Mfumo wa taasisi inayotoa huduma hii umechelewa kujibu. Tafadhali jaribu tena baadaye.",
                  "The system of the agency that provides this service took too long to answer. Please try again later.")),
        >= 500 => (T("Hitilafu imetokea", "Something went wrong"),
                T("Samahani, tatizo limetokea upande wetu. Tafadhali jaribu tena baadaye.",
                  "Sorry, something went wrong on our side. Please try again later.")),
        _ => (T("Ombi halikukamilika", "The request could not be completed"),
              T("Ombi lako halikukamilika. Tafadhali jaribu tena.", "Your request could not be completed. Please try again.")),
    };
}
