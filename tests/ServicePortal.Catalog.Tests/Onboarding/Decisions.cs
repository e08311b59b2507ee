using System.Net;

namespace ServicePortal.Catalog.Tests.Onboarding;

/// <summary>
/// A decision that takes something away (reject, suspend) as an administrator makes it: the reason on the page,
/// "Continue" to the confirmation page, then the red button there. When the first step answers with anything but
/// the confirmation page (a missing reason, say), that answer is returned.
/// </summary>
internal static class Decisions
{
    public static async Task<HttpResponseMessage> ConfirmedAsync(FormClient admin, string page, string handler, string? reason)
    {
        var asked = await admin.SubmitFormAsync(page, $"{page}?handler=Confirm{handler}",
            new Dictionary<string, string?> { ["Reason"] = reason });
        return asked.StatusCode == HttpStatusCode.OK && admin.LastPage.Contains($"?handler={handler}\"", StringComparison.Ordinal)
            ? await admin.PostLoadedFormAsync($"{page}?handler={handler}", new Dictionary<string, string?>())
            : asked;
    }
}
