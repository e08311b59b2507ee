using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServicePortal.Catalog.Browse;
using ServicePortal.Requests.Forms;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Requests.Applications;

/// <summary>
/// The service's form, parsed once per catalogue version of the service, and the check of a citizen's answers
/// against it: the same for the apply page and the citizen API (JSON Schema and the generated rules, messages
/// in the citizen's language).
/// </summary>
public sealed class ApplicationValidator
{
    private readonly ConcurrentDictionary<(string Code, int Version), ApplicationForm?> _forms = new();

    /// <summary>The service's form; null when it has none the portal can draw.</summary>
    public ApplicationForm? FormOf(ServiceDetail service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return _forms.GetOrAdd((service.Code, service.Version), _ =>
            service.FormSchema is { ValueKind: JsonValueKind.Object } schema && ApplicationForm.TryParse(schema, out var form, out string? _)
                ? form
                : null);
    }

    public IReadOnlyList<FieldError> Validate(ServiceDetail service, JsonObject answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        return FormOf(service) is { } form
            ? form.Validate(answers)
            : [new FieldError("", T("Huduma hii haina fomu ya mtandaoni.", "This service has no online form."))];
    }
}
