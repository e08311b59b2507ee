using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ServicePortal.DemoAgencies.PortalIdentity;

namespace ServicePortal.DemoAgencies.Agencies.Nida;

public sealed record VerificationRequest(string? Nin, string? FirstName, string? LastName, DateOnly? DateOfBirth);

public sealed record LocalizedText(string Sw, string En);

/// <summary>
/// A started check. <paramref name="Kind"/> says what the answer is (<c>mothers_first_name</c>, or
/// <c>region_of_birth</c>: one of the regions by its Kiswahili name, as the registry writes it), so that the portal
/// can offer a region as a choice from the list rather than a box to type in.
/// </summary>
public sealed record VerificationStarted(Guid VerificationId, LocalizedText Question, int AttemptsLeft, string Kind);

public sealed record AnswerRequest(string? Answer);

/// <summary>Outcome of an answer: <c>verified</c> (with the person), <c>wrong</c>, or <c>locked</c>.</summary>
public sealed record AnswerOutcome(string Status, int AttemptsLeft, VerifiedPerson? Person);

/// <summary>The person, once the question is answered rightly, with the mobile numbers registered to the NIN.</summary>
public sealed record VerifiedPerson(string Nin, string FirstName, string MiddleName, string LastName, DateOnly DateOfBirth, string Sex,
    IReadOnlyList<string> Phones);

/// <summary>
/// <c>POST /api/v1/verifications</c> starts a check of typed details and returns a question;
/// <c>POST /api/v1/verifications/{id}/answers</c> answers it (three attempts, thirty minutes). Only the portal may
/// call them: every request carries its service assertion, or is answered 401 and starts nothing.
/// </summary>
internal static class VerificationApi
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1/verifications").RequirePortalService();
        api.MapPost("/", (VerificationRequest request, VerificationDesk desk) =>
        {
            if (string.IsNullOrWhiteSpace(request.Nin) || string.IsNullOrWhiteSpace(request.FirstName) ||
                string.IsNullOrWhiteSpace(request.LastName) || request.DateOfBirth is null)
            {
                return Results.Problem(statusCode: 400, title: "Incomplete request",
                    detail: "nin, firstName, lastName and dateOfBirth are required.", type: "urn:nida:problem:incomplete");
            }

            var started = desk.Start(request);
            return started is null
                // Not registered and not matching look the same: the registry is not an oracle of who exists.
                ? Results.Problem(statusCode: 404, title: "No match",
                    detail: "The details do not match a registered person.", type: "urn:nida:problem:no-match")
                : Results.Created($"/api/v1/verifications/{started.VerificationId}", started);
        });
        api.MapPost("/{id:guid}/answers", (Guid id, AnswerRequest request, VerificationDesk desk) =>
            desk.Answer(id, request.Answer ?? "") is { } outcome
                ? Results.Ok(outcome)
                : Results.Problem(statusCode: 404, title: "Unknown verification",
                    detail: "The verification does not exist or has expired.", type: "urn:nida:problem:unknown-verification"));
    }
}

/// <summary>Open verifications, in memory (a demo registry keeps nothing across restarts).</summary>
public sealed class VerificationDesk(NidaRegistry registry, TimeProvider clock)
{
    private const int Attempts = 3;
    // As long as the portal keeps a registration in progress, so a slow typist is not turned away.
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);
    private readonly ConcurrentDictionary<Guid, Verification> _open = new();

    /// <summary>How many verifications are open (for tests: a refused caller starts none).</summary>
    internal int OpenCount => _open.Count;

    private sealed class Verification(RegisteredPerson person, bool asksMother, DateTimeOffset expires)
    {
        public RegisteredPerson Person { get; } = person;
        public bool AsksMother { get; } = asksMother;
        public DateTimeOffset Expires { get; } = expires;
        public int AttemptsLeft { get; set; } = Attempts;
    }

    public VerificationStarted? Start(VerificationRequest request)
    {
        var person = registry.Find(request.Nin!);
        if (person is null || !Same(person.FirstName, request.FirstName!) || !Same(person.LastName, request.LastName!) ||
            person.DateOfBirth != request.DateOfBirth)
        {
            return null;
        }

        foreach (var expired in _open.Where(pair => pair.Value.Expires < clock.GetUtcNow()).Select(pair => pair.Key).ToList())
        {
            _open.TryRemove(expired, out _);
        }

        var asksMother = RandomNumberGenerator.GetInt32(2) == 0;
        var id = Guid.NewGuid();
        _open[id] = new Verification(person, asksMother, clock.GetUtcNow() + Lifetime);
        var question = asksMother
            ? new LocalizedText("Jina la kwanza la mama yako ni nani?", "What is your mother's first name?")
            : new LocalizedText("Ulizaliwa katika mkoa gani?", "In which region were you born?");
        return new VerificationStarted(id, question, Attempts, asksMother ? "mothers_first_name" : "region_of_birth");
    }

    public AnswerOutcome? Answer(Guid id, string answer)
    {
        if (!_open.TryGetValue(id, out var verification) || verification.Expires < clock.GetUtcNow())
        {
            return null;
        }

        lock (verification)
        {
            if (verification.AttemptsLeft == 0)
            {
                return new AnswerOutcome("locked", 0, null);
            }

            var expected = verification.AsksMother ? verification.Person.MothersFirstName : verification.Person.RegionOfBirth;
            if (Same(expected, answer))
            {
                _open.TryRemove(id, out _);
                var p = verification.Person;
                return new AnswerOutcome("verified", verification.AttemptsLeft,
                    new VerifiedPerson(p.Nin, p.FirstName, p.MiddleName, p.LastName, p.DateOfBirth, p.Sex.ToString(), p.Phones));
            }

            verification.AttemptsLeft--;
            return new AnswerOutcome(verification.AttemptsLeft == 0 ? "locked" : "wrong", verification.AttemptsLeft, null);
        }
    }

    /// <summary>Names compare without case, accents or surrounding spaces ("zawadi " is "Zawadi").</summary>
    private static bool Same(string expected, string given) =>
        string.Compare(expected.Trim(), given.Trim(), CultureInfo.InvariantCulture,
            CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace) == 0 &&
        Encoding.UTF8.GetByteCount(given) < 200;
}
