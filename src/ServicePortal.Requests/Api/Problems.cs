using Microsoft.AspNetCore.Http;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Requests.Api;

/// <summary>RFC 9457 problems of the Requests APIs, with stable types and words in the caller's language.</summary>
internal static class Problems
{
    public const string InvalidType = "urn:serviceportal:problem:invalid-request";
    public const string NotFoundType = "urn:serviceportal:problem:request-not-found";
    public const string ForbiddenType = "urn:serviceportal:problem:forbidden";

    /// <summary>Machine-to-machine texts carry both languages (an agency's engineers read either).</summary>
    public static string Both(string sw, string en) => $"{sw} / {en}";

    public static IResult Invalid(Dictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors,
        title: T("Ombi si sahihi", "The request is not valid"),
        detail: T("Rekebisha sehemu zilizotajwa kisha utume tena.", "Correct the fields named below and send it again."),
        type: InvalidType);

    public static IResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
        title: T("Ombi halipatikani", "Application not found"),
        detail: T("Huna ombi lenye namba hiyo.", "You have no application with that reference."),
        type: NotFoundType);

    public static IResult Forbidden(string sw, string en) => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
        title: T("Hairuhusiwi", "Forbidden"), detail: Both(sw, en), type: ForbiddenType);

    public static IResult Status(int status, string type, string sw, string en) => TypedResults.Problem(statusCode: status,
        title: T(sw, en), detail: T(sw, en), type: type);
}
