using System.Text.RegularExpressions;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Requests.Sync;

/// <summary>A recorded agency problem as staff read it: the portal's words in the reader's language, the agency's own text apart.</summary>
/// <param name="Words">What happened, in the portal's words (Kiswahili or English, as the page is).</param>
/// <param name="Detail">What the agency (or its connection) said, exactly as it came: shown quoted, never translated.</param>
public sealed record AgencyProblemText(string Words, string? Detail);

/// <summary>
/// The problems the connector, the status sync and the status push record (<c>requests.agency_sync.last_error</c>,
/// <c>requests.agency_errors.problem</c>) are written in English, once, for logs, for the agency's engineers (the push
/// API returns them) and for the record. Staff pages show them in Kiswahili or English: each shape the portal writes is
/// matched here and said in both languages, and the part that came from the agency (its error, an excerpt of its answer,
/// a status it sent, a network error's text) is kept apart, to be shown quoted as the agency's own words. A text of no
/// known shape (an older record, a new problem not listed yet) is shown as it was recorded, under a lead in both languages.
/// Keep this list beside the texts it reads: AgencyConnector, StatusSyncJob, StatusUpdates, SubmissionJob.
/// </summary>
public static partial class AgencyProblemWording
{
    private sealed record Shape(Regex Pattern, Func<Match, (string Sw, string En)> Words, string? DetailGroup = null);

    private static readonly Shape[] Shapes =
    [
        new(NoEndpoint(), _ => ("Taasisi haina kituo cha maombi kilichoidhinishwa.", "The agency has no approved application endpoint.")),
        new(Redirect(), m => ($"Taasisi ilijibu {m.Groups["code"].Value} (kuelekeza kwingine; lango halifuati: itume kwenye anwani iliyosajiliwa yenyewe).",
            $"The agency answered {m.Groups["code"].Value} (a redirect, which the portal does not follow: it must answer at its registered address).")),
        new(Refused(), m => ($"Taasisi ilikataa ombi ({m.Groups["code"].Value}).", $"The agency refused the application ({m.Groups["code"].Value})."), "detail"),
        new(Answered(), m => ($"Taasisi ilijibu {m.Groups["code"].Value} badala ya jibu la kawaida.", $"The agency answered {m.Groups["code"].Value} instead of a normal answer.")),
        new(NotJsonType(), _ => ("Jibu la taasisi halikuwa JSON; aina iliyotajwa:", "The agency's answer was not JSON; the type it gave:"), "detail"),
        new(NoItems(), _ => ("Jibu la taasisi halina orodha ya \"items\".", "The agency's answer has no \"items\" list.")),
        new(InvalidJson(), _ => ("Jibu la taasisi si JSON halali.", "The agency's answer is not valid JSON.")),
        new(Timeout(), _ => ("Taasisi haikujibu kwa wakati.", "The agency did not answer in time.")),
        new(Unreachable(), _ => ("Taasisi haikupatikana (mtandao).", "The agency could not be reached (network)."), "detail"),
        new(Unusable(), _ => ("Taasisi ilipokea ombi lakini jibu lake halitumiki.", "The agency took the application but its answer cannot be used."), "detail"),
        new(TooLarge(), _ => ("Jibu la taasisi ni kubwa kuliko MB 4.", "The agency's answer is larger than 4 MB.")),
        new(DuplicateReference(), _ => ("Taasisi ilitoa namba ya kumbukumbu ambayo ombi jingine tayari linayo:",
            "The agency gave a reference another application already has:"), "detail"),
        new(AgencyReports(), _ => ("Taasisi iliripoti kosa kwa ombi hili.", "The agency reported an error for this application."), "detail"),
        new(UnknownStatus(), _ => ("Taasisi ilituma hali ambayo lango haiijui.", "The agency sent a status the portal does not know."), "detail"),
        new(RefusedMove(), m => ($"Hali haikubadilishwa: kutoka {m.Groups["from"].Value} kwenda {m.Groups["to"].Value} hakuruhusiwi (toleo {m.Groups["version"].Value}).",
            $"The status was not changed: moving from {m.Groups["from"].Value} to {m.Groups["to"].Value} is not allowed (version {m.Groups["version"].Value}).")),
        new(NotAsked(), _ => ("Taasisi ilijibu kuhusu namba ya kumbukumbu ambayo lango halikuuliza.", "The agency answered about a reference the portal did not ask about.")),
        new(ItemNotObject(), _ => ("Kipengele kimoja cha jibu si kitu cha JSON.", "An item of the answer is not a JSON object.")),
        new(ItemFields(), _ => ("Kipengele hakina agencyReference na status kama maandishi.", "An item lacks agencyReference and status as strings.")),
        new(ItemControl(), _ => ("agencyReference au status ina herufi za udhibiti.", "agencyReference or status contains control characters.")),
        new(ItemVersion(), _ => ("Kipengele hakina version (namba isiyo hasi).", "An item lacks version (a non-negative integer).")),
        new(ItemUpdatedAt(), _ => ("Kipengele hakina updatedAt (tarehe na saa ya RFC 3339).", "An item lacks updatedAt (an RFC 3339 date-time).")),
        new(ItemControlNumber(), _ => ("paymentControlNumber si namba ya malipo ya GePG (tarakimu 12 zinazoanza na 99).",
            "paymentControlNumber is not a GePG control number (12 digits starting with 99).")),
        new(NotValidJson(), _ => ("Jibu la taasisi si JSON halali.", "The agency's answer is not valid JSON.")),
    ];

    /// <summary>A recorded problem in the reader's language, with the agency's own text apart.</summary>
    public static AgencyProblemText Describe(string problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        foreach (var shape in Shapes)
        {
            var match = shape.Pattern.Match(problem);
            if (match.Success)
            {
                var (sw, en) = shape.Words(match);
                var detail = shape.DetailGroup is null ? null : match.Groups[shape.DetailGroup].Value;
                return new AgencyProblemText(T(sw, en), string.IsNullOrWhiteSpace(detail) ? null : detail);
            }
        }

        // A status pass that failed with the network's own message (AgencyConnector.StatusAsync passes it on as it is).
        return new AgencyProblemText(T("Tatizo kama lilivyorekodiwa (kwa Kiingereza):", "The problem as recorded:"), problem);
    }

    [GeneratedRegex("^the agency has no approved application endpoint$")]
    private static partial Regex NoEndpoint();

    [GeneratedRegex(@"^the agency answered (?<code>3\d\d) \(a redirect")]
    private static partial Regex Redirect();

    [GeneratedRegex(@"^the agency refused it \((?<code>\d{3})\): ?(?<detail>.*)$", RegexOptions.Singleline)]
    private static partial Regex Refused();

    [GeneratedRegex(@"^the agency answered (?<code>\d{3})$")]
    private static partial Regex Answered();

    [GeneratedRegex(@"^the agency answered with (?<detail>.{1,200}), not JSON$", RegexOptions.Singleline)]
    private static partial Regex NotJsonType();

    [GeneratedRegex("^the answer has no items array$")]
    private static partial Regex NoItems();

    [GeneratedRegex("^the answer is not valid JSON$")]
    private static partial Regex InvalidJson();

    [GeneratedRegex("^the agency did not answer in time$")]
    private static partial Regex Timeout();

    [GeneratedRegex("^the agency could not be reached: ?(?<detail>.*)$", RegexOptions.Singleline)]
    private static partial Regex Unreachable();

    [GeneratedRegex("^the agency accepted it but its answer is unusable: ?(?<detail>.*)$", RegexOptions.Singleline)]
    private static partial Regex Unusable();

    [GeneratedRegex("^the agency's answer is larger than 4 MB$")]
    private static partial Regex TooLarge();

    [GeneratedRegex("^the agency answered with reference (?<detail>.{1,200}), which another application already has$", RegexOptions.Singleline)]
    private static partial Regex DuplicateReference();

    [GeneratedRegex("^the agency reports ?(?<detail>.*)$", RegexOptions.Singleline)]
    private static partial Regex AgencyReports();

    [GeneratedRegex("^unknown status (?<detail>'.*')$", RegexOptions.Singleline)]
    private static partial Regex UnknownStatus();

    [GeneratedRegex(@"^refused move from (?<from>[a-z_]+) to (?<to>[a-z_]+) \(version (?<version>\d+)\)$")]
    private static partial Regex RefusedMove();

    [GeneratedRegex("^a reference the portal did not ask about$")]
    private static partial Regex NotAsked();

    [GeneratedRegex("^an item is not a JSON object$")]
    private static partial Regex ItemNotObject();

    [GeneratedRegex("^agencyReference and status are required strings$")]
    private static partial Regex ItemFields();

    [GeneratedRegex("^agencyReference and status must not contain control characters$")]
    private static partial Regex ItemControl();

    [GeneratedRegex("^version is required: a non-negative integer$")]
    private static partial Regex ItemVersion();

    [GeneratedRegex("^updatedAt is required: an RFC 3339 date-time$")]
    private static partial Regex ItemUpdatedAt();

    [GeneratedRegex(@"^paymentControlNumber must be a GePG control number")]
    private static partial Regex ItemControlNumber();

    [GeneratedRegex("^not valid JSON$")]
    private static partial Regex NotValidJson();
}
