using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ServicePortal.DemoAgencies.Applications;

/// <summary>
/// Writes status items (the JSON the portal reads from submit, batch status and push) straight to the response.
/// Every message is worded and JSON-encoded once, at start-up, per service and status, so a batch of 500 items
/// allocates no strings: the writer only copies bytes.
/// </summary>
/// <remarks>
/// Property names are camelCase, except <c>message_sw</c> and <c>message_en</c>, which the contract spells so.
/// </remarks>
public sealed class StatusItemWriter
{
    // Kiswahili and English are written as they are, not as \u escapes; the JSON is never embedded in HTML.
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonEncodedText AgencyReference = Encode("agencyReference");
    private static readonly JsonEncodedText Status = Encode("status");
    private static readonly JsonEncodedText MessageSw = Encode("message_sw");
    private static readonly JsonEncodedText MessageEn = Encode("message_en");
    private static readonly JsonEncodedText UpdatedAt = Encode("updatedAt");
    private static readonly JsonEncodedText Version = Encode("version");
    private static readonly JsonEncodedText PaymentControlNumber = Encode("paymentControlNumber");
    private static readonly JsonEncodedText AmountTzs = Encode("amountTzs");
    private static readonly JsonEncodedText Correction = Encode("correction");
    private static readonly JsonEncodedText Field = Encode("field");
    private static readonly JsonEncodedText Error = Encode("error");
    private static readonly JsonEncodedText NotFound = Encode("not_found");
    private static readonly JsonEncodedText[] StatusNames =
        [.. Enum.GetValues<ApplicationStatus>().Select(status => Encode(ApplicationLifecycle.WireName(status)))];

    private readonly ServiceTexts[] _services;

    public StatusItemWriter(ApplicationCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        _services = [.. catalogue.Services.Select(service => new ServiceTexts(catalogue.Wording, service))];
    }

    /// <summary>The status item of <paramref name="application"/> at <paramref name="now"/>, as one JSON object.</summary>
    public void Write(Utf8JsonWriter writer, SubmittedApplication application, DateTimeOffset now, TimeSpan step)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        WriteFields(writer, application, now, step);
        writer.WriteEndObject();
    }

    /// <summary>The status item's fields, inside an object the caller opened (so it can add its own).</summary>
    public void WriteFields(Utf8JsonWriter writer, SubmittedApplication application, DateTimeOffset now, TimeSpan step)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(application);
        var snapshot = application.StatusAt(now, step);
        var texts = _services[application.ServiceIndex];
        var status = (int)snapshot.Status;
        writer.WriteString(AgencyReference, application.AgencyReference);
        writer.WriteString(Status, StatusNames[status]);
        writer.WriteString(MessageSw, texts.Sw[status]);
        writer.WriteString(MessageEn, texts.En[status]);
        writer.WriteString(UpdatedAt, snapshot.UpdatedAt.UtcDateTime);
        writer.WriteNumber(Version, snapshot.Version);
        if (snapshot.Status == ApplicationStatus.PaymentPending && application.PaymentControlNumber is not null)
        {
            writer.WriteString(PaymentControlNumber, application.PaymentControlNumber);
            writer.WriteNumber(AmountTzs, application.Service.FeeTzs);
        }

        if (snapshot.Status == ApplicationStatus.NeedsCorrection)
        {
            writer.WriteStartObject(Correction);
            writer.WriteString(Field, texts.CorrectionField);
            writer.WriteString(MessageSw, texts.CorrectionSw);
            writer.WriteString(MessageEn, texts.CorrectionEn);
            writer.WriteEndObject();
        }
    }

    /// <summary>The batch-status entry for a reference this agency does not know.</summary>
    public static void WriteNotFound(Utf8JsonWriter writer, string agencyReference)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString(AgencyReference, agencyReference);
        writer.WriteString(Error, NotFound);
        writer.WriteEndObject();
    }

    private static JsonEncodedText Encode(string text) => JsonEncodedText.Encode(text, WriterOptions.Encoder);

    /// <summary>One service's messages, by status, ready to write.</summary>
    private sealed class ServiceTexts
    {
        public ServiceTexts(StatusWording wording, ApplicationService service)
        {
            var fee = service.FeeTzs.ToString("N0", CultureInfo.InvariantCulture);
            var statuses = Enum.GetValues<ApplicationStatus>();
            Sw = new JsonEncodedText[statuses.Length];
            En = new JsonEncodedText[statuses.Length];
            foreach (var status in statuses)
            {
                var message = status == ApplicationStatus.Issued ? service.Issued : TemplateOf(wording, status);
                Sw[(int)status] = Encode(string.Format(CultureInfo.InvariantCulture, message.Sw, service.Subject.Sw, fee));
                En[(int)status] = Encode(string.Format(CultureInfo.InvariantCulture, message.En, service.Subject.En, fee));
            }

            CorrectionField = Encode(service.Correction.Field);
            CorrectionSw = Encode(service.Correction.Message.Sw);
            CorrectionEn = Encode(service.Correction.Message.En);
        }

        public JsonEncodedText[] Sw { get; }
        public JsonEncodedText[] En { get; }
        public JsonEncodedText CorrectionField { get; }
        public JsonEncodedText CorrectionSw { get; }
        public JsonEncodedText CorrectionEn { get; }

        private static Bilingual TemplateOf(StatusWording wording, ApplicationStatus status) => status switch
        {
            ApplicationStatus.Received => wording.Received,
            ApplicationStatus.UnderReview => wording.UnderReview,
            ApplicationStatus.NeedsCorrection => wording.NeedsCorrection,
            ApplicationStatus.PaymentPending => wording.PaymentPending,
            ApplicationStatus.Approved => wording.Approved,
            ApplicationStatus.Rejected => wording.Rejected,
            ApplicationStatus.Withdrawn => wording.Withdrawn,
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
        };
    }
}
