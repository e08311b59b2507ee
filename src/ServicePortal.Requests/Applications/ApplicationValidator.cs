using System.Text.Json;
using System.Text.Json.Nodes;
using ServicePortal.Catalog.Browse;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Requests.Applications;

/// <summary>One problem with one answer (or with the form as a whole when <see cref="Field"/> is empty).</summary>
public sealed record AnswerError(string Field, string Message);

/// <summary>
/// Checks a citizen's answers against the service's form before anything is stored: the same check for the
/// apply page and the citizen API.
/// </summary>
public sealed class ApplicationValidator
{
    public IReadOnlyList<AnswerError> Validate(ServiceDetail service, JsonObject answers)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(answers);
        var errors = new List<AnswerError>();
        if (service.FormSchema is not { ValueKind: JsonValueKind.Object } schema)
        {
            errors.Add(new AnswerError("", T("Huduma hii haina fomu ya mtandaoni.", "This service has no online form.")));
            return errors;
        }

        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()).OfType<string>())
            {
                if (answers[name] is null || (answers[name] is JsonValue v && v.TryGetValue(out string? s) && string.IsNullOrWhiteSpace(s)))
                {
                    errors.Add(new AnswerError(name, T("Jaza sehemu hii.", "Fill in this field.")));
                }
            }
        }

        return errors;
    }
}
