using System.Globalization;
using ServicePortal.Requests.Sync;

namespace ServicePortal.Requests.Tests.Sync;

/// <summary>
/// The problems the connector and the sync record (in English, for logs and agencies' engineers) as staff read them: the
/// portal's words in Kiswahili or English, and what came from the agency kept apart, exactly as it came.
/// </summary>
public sealed class AgencyProblemWordingTests
{
    [Theory]
    [InlineData("the agency answered 503", "Taasisi ilijibu 503 badala ya jibu la kawaida.", "The agency answered 503 instead of a normal answer.", null)]
    [InlineData("the agency did not answer in time", "Taasisi haikujibu kwa wakati.", "The agency did not answer in time.", null)]
    [InlineData("the agency reports {\"code\":\"E42\",\"message\":\"<b>Mfumo</b>\"}", "Taasisi iliripoti kosa kwa ombi hili.",
        "The agency reported an error for this application.", "{\"code\":\"E42\",\"message\":\"<b>Mfumo</b>\"}")]
    [InlineData("the agency refused it (422): {\"title\":\"jina halipo\"}", "Taasisi ilikataa ombi (422).", "The agency refused the application (422).",
        "{\"title\":\"jina halipo\"}")]
    [InlineData("the agency could not be reached: Connection refused (127.0.0.1:9)", "Taasisi haikupatikana (mtandao).",
        "The agency could not be reached (network).", "Connection refused (127.0.0.1:9)")]
    [InlineData("the agency answered with text/html, not JSON", "Jibu la taasisi halikuwa JSON; aina iliyotajwa:",
        "The agency's answer was not JSON; the type it gave:", "text/html")]
    [InlineData("unknown status 'imekwama'", "Taasisi ilituma hali ambayo lango haiijui.", "The agency sent a status the portal does not know.", "'imekwama'")]
    [InlineData("refused move from completed to in_review (version 7)",
        "Hali haikubadilishwa: kutoka completed kwenda in_review hakuruhusiwi (toleo 7).",
        "The status was not changed: moving from completed to in_review is not allowed (version 7).", null)]
    [InlineData("version is required: a non-negative integer", "Kipengele hakina version (namba isiyo hasi).",
        "An item lacks version (a non-negative integer).", null)]
    public void A_known_problem_is_said_in_both_languages_with_the_agencys_text_apart(string recorded, string sw, string en, string? detail)
    {
        Assert.Equal(new AgencyProblemText(sw, detail), In("sw", () => AgencyProblemWording.Describe(recorded)));
        Assert.Equal(new AgencyProblemText(en, detail), In("en", () => AgencyProblemWording.Describe(recorded)));
    }

    [Fact]
    public void A_problem_of_no_known_shape_is_shown_as_recorded_under_words_in_both_languages()
    {
        var recorded = "The SSL connection could not be established, see inner exception.";

        Assert.Equal(new AgencyProblemText("Tatizo kama lilivyorekodiwa (kwa Kiingereza):", recorded),
            In("sw", () => AgencyProblemWording.Describe(recorded)));
        Assert.Equal(new AgencyProblemText("The problem as recorded:", recorded), In("en", () => AgencyProblemWording.Describe(recorded)));
    }

    private static T In<T>(string language, Func<T> read)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo(language);
        try
        {
            return read();
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
