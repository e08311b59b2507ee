using System.Text.Json.Nodes;
using ServicePortal.Catalog.Browse;
using ServicePortal.Catalog.Forms;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Requests.Applications;

/// <summary>
/// The check of a citizen's answers against the service's form (the catalogue's <see cref="ApplicationForms"/>): the
/// same for the apply page and the citizen API (JSON Schema and the generated rules, messages in the citizen's
/// language).
/// </summary>
internal sealed class ApplicationValidator(ApplicationForms forms, TimeProvider clock)
{
    /// <summary>Today in Tanzania: a date a form marks <c>x-not-future</c> (a birth) must not be after it.</summary>
    public DateOnly Today => DateAnswer.Today(clock);

    /// <summary>The service's form; null when it has none the portal can draw.</summary>
    public ApplicationForm? FormOf(ServiceDetail service) => forms.TryGet(service, out var form, out _) ? form : null;

    /// <summary>The service has a stored form the portal cannot draw (the catalogue logged why): it is unavailable.</summary>
    public bool FormUnavailable(ServiceDetail service) => !forms.TryGet(service, out _, out var problem) && problem is not null;

    public IReadOnlyList<FieldError> Validate(ServiceDetail service, JsonObject answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        return FormOf(service) is { } form
            ? form.Validate(answers, Today)
            : [new FieldError("", T("Huduma hii haina fomu ya mtandaoni.", "This service has no online form."))];
    }
}
