using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ServicePortal.DemoAgencies.Applications;

/// <summary>Section <c>DemoAgencies</c>: how fast the demo lifecycle moves.</summary>
public sealed class ApplicationLifecycleOptions
{
    /// <summary>
    /// How long each status lasts before the next. Eight seconds lets a demo show a whole application, from
    /// <c>received</c> to <c>issued</c>, in under a minute; a production-like pace would be hours per step.
    /// </summary>
    public TimeSpan LifecycleStep { get; set; } = TimeSpan.FromSeconds(8);

    internal static bool IsValid(ApplicationLifecycleOptions options) =>
        options.LifecycleStep > TimeSpan.Zero && options.LifecycleStep <= TimeSpan.FromDays(1);
}

/// <summary>Where an application is at one moment: its status, the version of that status, and since when.</summary>
public readonly record struct StatusSnapshot(ApplicationStatus Status, int Version, DateTimeOffset UpdatedAt);

/// <summary>One application as the agency keeps it. Immutable: its status is computed from the clock.</summary>
public sealed class SubmittedApplication(
    string agencyReference,
    string portalReference,
    int serviceIndex,
    ApplicationService service,
    string subject,
    string idempotencyKey,
    DateTimeOffset receivedAt,
    IReadOnlyList<ApplicationStatus> path,
    string? paymentControlNumber,
    JsonElement answers)
{
    public string AgencyReference { get; } = agencyReference;
    public string PortalReference { get; } = portalReference;
    public int ServiceIndex { get; } = serviceIndex;
    public ApplicationService Service { get; } = service;

    /// <summary>The citizen's pairwise <c>sub</c>.</summary>
    public string Subject { get; } = subject;
    public string IdempotencyKey { get; } = idempotencyKey;
    public DateTimeOffset ReceivedAt { get; } = receivedAt;
    public IReadOnlyList<ApplicationStatus> Path { get; } = path;

    /// <summary>Only for applications whose path waits for payment.</summary>
    public string? PaymentControlNumber { get; } = paymentControlNumber;
    public JsonElement Answers { get; } = answers;

    /// <summary>
    /// The status at <paramref name="now"/>: one more entry of the path per <paramref name="step"/> since it was
    /// received, stopping at the last. The version is the entry's position (received is 1), and the status began
    /// when its step did.
    /// </summary>
    public StatusSnapshot StatusAt(DateTimeOffset now, TimeSpan step)
    {
        var elapsed = now - ReceivedAt;
        var index = elapsed <= TimeSpan.Zero ? 0 : (int)Math.Min(elapsed.Ticks / step.Ticks, Path.Count - 1);
        return new StatusSnapshot(Path[index], index + 1, ReceivedAt + TimeSpan.FromTicks(step.Ticks * index));
    }
}

/// <summary>
/// The agency's applications, in memory (a demo keeps nothing across restarts): by agency reference for status,
/// and by citizen and <c>Idempotency-Key</c> so that a retried submission finds the application it already made.
/// Nothing here takes a lock; a status costs a dictionary lookup and some arithmetic, whatever the number of
/// applications.
/// </summary>
public sealed class ApplicationRegistry(
    ApplicationCatalogue catalogue,
    TimeProvider clock,
    IOptions<ApplicationLifecycleOptions> options)
{
    private readonly ConcurrentDictionary<string, SubmittedApplication> _byReference = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Subject, string Key), SubmittedApplication> _byIdempotencyKey = new();
    // Counts up from the seconds since 2026 at start, not from 1: the demo forgets its applications when it
    // restarts, but the portal keeps them, and a reference given out again would belong to two applications.
    private int _sequence = (int)Math.Max(0, (clock.GetUtcNow() - new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)).TotalSeconds);

    public TimeSpan Step => options.Value.LifecycleStep;

    public int Count => _byReference.Count;

    public DateTimeOffset Now => clock.GetUtcNow();

    public SubmittedApplication? Find(string agencyReference) => _byReference.GetValueOrDefault(agencyReference);

    /// <summary>The citizen's application made with this key, if any.</summary>
    public SubmittedApplication? FindByIdempotencyKey(string subject, string idempotencyKey) =>
        _byIdempotencyKey.GetValueOrDefault((subject, idempotencyKey));

    /// <summary>
    /// For benchmark agencies only (<see cref="ApplicationCatalogue.AdoptsUnknownReferences"/>): the application
    /// with this reference, made up the first time it is asked about as one of the first service received one
    /// step before <paramref name="now"/> (the time of the answer being written, so that the status the answer
    /// gives is <c>under_review</c>, version 2, even across a second's boundary), and stays so for a step. Kept,
    /// so it answers the same when asked again.
    /// </summary>
    public SubmittedApplication Adopt(string agencyReference, DateTimeOffset now) =>
        _byReference.GetOrAdd(agencyReference, static (reference, state) =>
        {
            var (services, at, step) = state;
            var receivedAt = new DateTimeOffset(at.Ticks - (at.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero) - step;
            return new SubmittedApplication(reference, reference, 0, services.Services[0], "bench", reference, receivedAt,
                ApplicationLifecycle.PathFor(reference, paid: services.Services[0].FeeTzs > 0), null, NoAnswers);
        }, (catalogue, now, Step));

    private static readonly JsonElement NoAnswers = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>
    /// Records a new application, unless this citizen already made one with this key: then that one is returned,
    /// and <c>Created</c> is false.
    /// </summary>
    public (SubmittedApplication Application, bool Created) Submit(
        int serviceIndex, string portalReference, string subject, string idempotencyKey, JsonElement answers)
    {
        if (FindByIdempotencyKey(subject, idempotencyKey) is { } earlier)
        {
            return (earlier, false);
        }

        var service = catalogue.Services[serviceIndex];
        var sequence = Interlocked.Increment(ref _sequence);
        var now = clock.GetUtcNow();
        // Whole seconds, so that updatedAt reads like an agency's timestamp (2026-11-29T12:00:08Z).
        var receivedAt = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var path = ApplicationLifecycle.PathFor(portalReference, paid: service.FeeTzs > 0);
        var candidate = new SubmittedApplication(
            agencyReference: string.Create(CultureInfo.InvariantCulture, $"{catalogue.ReferencePrefix}-{receivedAt.Year}-{sequence:D6}"),
            portalReference,
            serviceIndex,
            service,
            subject,
            idempotencyKey,
            receivedAt,
            path,
            // A GePG control number: 12 digits starting with 99, unique per agency.
            path.Contains(ApplicationStatus.PaymentPending)
                ? string.Create(CultureInfo.InvariantCulture, $"{catalogue.ControlNumberPrefix}{sequence % 1_000_000_000:D9}")
                : null,
            answers.Clone());

        // Findable by reference before anyone can learn the reference. Two retries racing with the same key: one
        // wins, the other answers with the winner's application and its own candidate is dropped (its sequence
        // number is then never used, as happens with database sequences too).
        _byReference[candidate.AgencyReference] = candidate;
        var winner = _byIdempotencyKey.GetOrAdd((subject, idempotencyKey), candidate);
        if (!ReferenceEquals(winner, candidate))
        {
            _byReference.TryRemove(candidate.AgencyReference, out _);
            return (winner, false);
        }

        return (candidate, true);
    }
}
