using System.Net;
using System.Net.Http.Json;
using ServicePortal.Core.Identity;

namespace ServicePortal.Identity.Registry;

/// <summary>
/// The national ID registry, as the portal needs it: does a registered person match these details, and can
/// the one typing them answer a question only that person should know?
/// </summary>
public interface INationalIdRegistry
{
    Task<RegistryStart> StartAsync(NationalIdNumber nin, string firstName, string lastName, DateOnly dateOfBirth,
        CancellationToken cancellationToken);

    Task<RegistryAnswer> AnswerAsync(string verificationId, string answer, CancellationToken cancellationToken);
}

public abstract record RegistryStart
{
    public sealed record Question(string VerificationId, string Sw, string En) : RegistryStart;

    public sealed record NoMatch : RegistryStart;

    public sealed record Unavailable : RegistryStart;
}

public abstract record RegistryAnswer
{
    public sealed record Verified(string? MiddleName) : RegistryAnswer;

    public sealed record Wrong(int AttemptsLeft) : RegistryAnswer;

    public sealed record Locked : RegistryAnswer;

    /// <summary>The registry no longer knows the question (it expired): start again.</summary>
    public sealed record Expired : RegistryAnswer;

    public sealed record Unavailable : RegistryAnswer;
}

/// <summary>The registry's verification API over HTTP (the demo <c>nida</c> agency implements it).</summary>
public sealed class HttpNationalIdRegistry(HttpClient http) : INationalIdRegistry
{
    private sealed record StartBody(string Nin, string FirstName, string LastName, DateOnly DateOfBirth);

    private sealed record Text(string Sw, string En);

    private sealed record Started(Guid VerificationId, Text Question, int AttemptsLeft);

    private sealed record Person(string? MiddleName);

    private sealed record Outcome(string Status, int AttemptsLeft, Person? Person);

    public async Task<RegistryStart> StartAsync(NationalIdNumber nin, string firstName, string lastName,
        DateOnly dateOfBirth, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.PostAsJsonAsync("api/v1/verifications",
                new StartBody(nin.Digits, firstName, lastName, dateOfBirth), cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity)
            {
                return new RegistryStart.NoMatch();
            }

            response.EnsureSuccessStatusCode();
            var started = await response.Content.ReadFromJsonAsync<Started>(cancellationToken).ConfigureAwait(false);
            return started?.Question is null
                ? new RegistryStart.Unavailable()
                : new RegistryStart.Question(started.VerificationId.ToString(), started.Question.Sw, started.Question.En);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or NotSupportedException)
        {
            return new RegistryStart.Unavailable();
        }
    }

    public async Task<RegistryAnswer> AnswerAsync(string verificationId, string answer, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.PostAsJsonAsync($"api/v1/verifications/{Uri.EscapeDataString(verificationId)}/answers",
                new { answer }, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return new RegistryAnswer.Expired();
            }

            response.EnsureSuccessStatusCode();
            var outcome = await response.Content.ReadFromJsonAsync<Outcome>(cancellationToken).ConfigureAwait(false);
            return outcome?.Status switch
            {
                "verified" => new RegistryAnswer.Verified(outcome.Person?.MiddleName),
                "wrong" => new RegistryAnswer.Wrong(outcome.AttemptsLeft),
                "locked" => new RegistryAnswer.Locked(),
                _ => new RegistryAnswer.Unavailable(),
            };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or NotSupportedException)
        {
            return new RegistryAnswer.Unavailable();
        }
    }
}
