using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ServicePortal.Catalog.Browse;

namespace ServicePortal.Catalog.Forms;

/// <summary>
/// The application form of each service, read once per catalogue version of the service and kept while that version
/// is current (one entry per service: a new version replaces the old one). A stored form the engine refuses (written
/// before the check existed, or directly in the database) is kept as its problem, logged once per version, and the
/// pages say the online form is unavailable instead of failing.
/// </summary>
public sealed partial class ApplicationForms(ILogger<ApplicationForms> logger)
{
    private readonly ConcurrentDictionary<string, Entry> _forms = new(StringComparer.Ordinal);

    private sealed record Entry(int Version, ApplicationForm? Form, FormSchemaProblem? Problem);

    /// <summary>
    /// The service's form. False when there is none to show: <paramref name="problem"/> is then null when the service
    /// has no form, and says why when its stored form cannot be shown.
    /// </summary>
    public bool TryGet(ServiceDetail service, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ApplicationForm? form,
        out FormSchemaProblem? problem)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (!_forms.TryGetValue(service.Code, out var entry) || entry.Version != service.Version)
        {
            entry = Read(service);
            _forms[service.Code] = entry;
        }

        form = entry.Form;
        problem = entry.Problem;
        return form is not null;
    }

    private Entry Read(ServiceDetail service)
    {
        if (service.FormSchema is not { ValueKind: JsonValueKind.Object } schema)
        {
            return new Entry(service.Version, null, null);
        }

        if (ApplicationForm.TryRead(schema, out var form, out var problem))
        {
            return new Entry(service.Version, form, null);
        }

        LogUnusableForm(logger, service.Code, service.Version, problem.ToString());
        return new Entry(service.Version, null, problem);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The application form of service {Code} (version {Version}) cannot be shown, so it is offered as unavailable: {Problem}")]
    private static partial void LogUnusableForm(ILogger logger, string code, int version, string problem);
}
