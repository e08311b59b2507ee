using System.Globalization;
using System.Text.Json;
using Dapper;
using Npgsql;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Messaging;

namespace ServicePortal.Requests.Applications;

/// <summary>One status report from an agency (the contract's status item), already checked for shape.</summary>
internal sealed record AgencyStatusItem(
    string AgencyReference,
    string Status,
    string? MessageSw,
    string? MessageEn,
    DateTimeOffset UpdatedAt,
    int Version,
    string? PaymentControlNumber,
    long? AmountTzs,
    string? Correction)
{
    /// <summary>Reads one item leniently but never trusts it: a missing or mistyped field is a problem, not a guess.</summary>
    public static bool TryRead(JsonElement element, out AgencyStatusItem? item, out string? problem, out string? reference)
    {
        item = null;
        problem = null;
        reference = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            problem = "an item is not a JSON object";
            return false;
        }

        reference = Text(element, "agencyReference", 100);
        var status = Text(element, "status", 60);
        if (reference is null || status is null)
        {
            problem = "agencyReference and status are required strings";
            return false;
        }

        // They are keys, shown to citizens and written into log lines: a line break in one is never meant.
        if (reference.Any(char.IsControl) || status.Any(char.IsControl))
        {
            problem = "agencyReference and status must not contain control characters";
            return false;
        }

        if (!element.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var version) || version < 0)
        {
            problem = "version is required: a non-negative integer";
            return false;
        }

        if (!element.TryGetProperty("updatedAt", out var u) || u.ValueKind != JsonValueKind.String ||
            !DateTimeOffset.TryParse(u.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var updatedAt))
        {
            problem = "updatedAt is required: an RFC 3339 date-time";
            return false;
        }

        long? amount = element.TryGetProperty("amountTzs", out var a) && a.ValueKind == JsonValueKind.Number && a.TryGetInt64(out var tzs) && tzs >= 0
            ? tzs
            : null;
        var correction = element.TryGetProperty("correction", out var c) && c.ValueKind == JsonValueKind.Object && c.GetRawText().Length <= 4000
            ? c.GetRawText()
            : null;
        var control = Text(element, "paymentControlNumber", 20);
        if (control is not null && !System.Text.RegularExpressions.Regex.IsMatch(control, "^99[0-9]{10}$"))
        {
            problem = "paymentControlNumber must be a GePG control number (12 digits starting with 99)";
            return false;
        }

        item = new AgencyStatusItem(reference, status, Text(element, "message_sw", 1000), Text(element, "message_en", 1000),
            updatedAt, version, control, amount, correction);
        return true;
    }

    private static string? Text(JsonElement element, string name, int max) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? (text.Length > max ? text[..max] : text)
            : null;
}

internal enum UpdateOutcome
{
    /// <summary>Applied: the request moved or its details changed.</summary>
    Applied,

    /// <summary>Already known (same version) or older than what is known: nothing changed.</summary>
    Unchanged,

    /// <summary>No request of this agency has that reference.</summary>
    NotFound,

    /// <summary>The status is unknown, or it would move the request where it cannot go: recorded as an agency error.</summary>
    Refused,
}

/// <summary>
/// The one place agency status reports are applied, whether pushed by the agency or pulled by the sync job:
/// idempotent (a repeated report changes nothing), monotonic (a lower <c>version</c> or an older
/// <c>updatedAt</c> never moves a request backwards), confined to the reporting agency's own requests, and
/// atomic per batch: the requests, their timeline events and the citizens' notices commit together.
/// </summary>
internal sealed class StatusUpdates(NpgsqlDataSource dataSource, ICitizenDirectory citizens)
{
    public async Task<IReadOnlyList<(string Reference, UpdateOutcome Outcome)>> ApplyAsync(string agency,
        IReadOnlyList<AgencyStatusItem> items, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var outcomes = new List<(string, UpdateOutcome)>(items.Count);
        if (items.Count == 0)
        {
            return outcomes;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = await RequestStore.LockReportedAsync(connection, transaction, agency,
            [.. items.Select(i => i.AgencyReference).Distinct()], cancellationToken);
        var byReference = rows.ToDictionary(r => r.AgencyReference, StringComparer.Ordinal);

        var changes = new List<(ReportedRequest Row, AgencyStatusItem Item, string Status)>();
        var errors = new List<(string Reference, string Problem)>();
        foreach (var item in items)
        {
            if (!byReference.TryGetValue(item.AgencyReference, out var row))
            {
                outcomes.Add((item.AgencyReference, UpdateOutcome.NotFound));
                continue;
            }

            if ((row.AgencyVersion is { } known && item.Version <= known) ||
                (row.AgencyUpdatedAt is { } at && item.UpdatedAt.UtcDateTime < at))
            {
                outcomes.Add((item.AgencyReference, UpdateOutcome.Unchanged));
                continue;
            }

            var status = RequestStatus.FromAgency(item.Status);
            if (status is null || (status != row.Status && !RequestStatus.CanMove(row.Status, status)))
            {
                errors.Add((item.AgencyReference, status is null
                    ? $"unknown status '{item.Status}'"
                    : $"refused move from {row.Status} to {status} (version {item.Version})"));
                outcomes.Add((item.AgencyReference, UpdateOutcome.Refused));
                continue;
            }

            // Later items of the same batch see this one's effect.
            byReference[item.AgencyReference] = row with { Status = status, AgencyVersion = item.Version, AgencyUpdatedAt = item.UpdatedAt.UtcDateTime };
            changes.Add((row, item, status));
            outcomes.Add((item.AgencyReference, UpdateOutcome.Applied));
        }

        if (changes.Count > 0)
        {
            await WriteChangesAsync(connection, transaction, changes, source, cancellationToken);
        }

        if (errors.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO requests.agency_errors (agency, source, agency_reference, problem)
                SELECT @agency, @source, r, p FROM unnest(@references, @problems) AS t(r, p)
                """, new { agency, source, references = errors.Select(e => e.Reference).ToArray(), problems = errors.Select(e => e.Problem).ToArray() },
                transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return outcomes;
    }

    /// <summary>Records a report the portal could not read at all (bad JSON, missing fields) without applying anything.</summary>
    public async Task RecordErrorAsync(string agency, string source, string? reference, string problem, string? excerpt,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO requests.agency_errors (agency, source, agency_reference, problem, excerpt) VALUES (@agency, @source, @reference, @problem, @excerpt)",
            new { agency, source, reference, problem, excerpt = excerpt is { Length: > 500 } ? excerpt[..500] : excerpt },
            cancellationToken: cancellationToken));
    }

    private async Task WriteChangesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        List<(ReportedRequest Row, AgencyStatusItem Item, string Status)> changes, string source, CancellationToken cancellationToken)
    {
        await RequestStore.SaveStatusChangesAsync(connection, transaction, changes, source, cancellationToken);

        // The citizen hears of a move (not of a repeated status with new words) in their own language.
        var moved = changes.Where(c => c.Status != c.Row.Status).ToList();
        if (moved.Count == 0)
        {
            return;
        }

        // All the batch's notices in one statement: one INSERT per notice was a round trip each, and with 1.5
        // notices per move it was most of a sync pass's time (docs/benchmarks.md, "Status sync").
        var contacts = await citizens.ContactsAsync([.. moved.Select(m => m.Row.AccountId).Distinct()], cancellationToken);
        var notices = new List<OutgoingMessage>(moved.Count * 2);
        foreach (var (row, item, status) in moved)
        {
            if (contacts.TryGetValue(row.AccountId, out var contact))
            {
                notices.AddRange(Notices.Compose(contact, row.Reference, status,
                    contact.Language == "en" ? item.MessageEn : item.MessageSw, item.PaymentControlNumber));
            }
        }

        await Outbox.EnqueueManyAsync(connection, transaction, notices, cancellationToken);
    }
}
