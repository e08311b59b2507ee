using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServicePortal.Core.Identity;
using ServicePortal.Identity.Registration;

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
    /// <param name="Kind">What the answer is: <see cref="RegionOfBirth"/> (one of <see cref="TanzaniaRegions"/>), or
    /// anything else (a name, typed).</param>
    /// <param name="AttemptsLeft">The registry's tries for this question.</param>
    public sealed record Question(string VerificationId, string Sw, string En, string Kind, int AttemptsLeft) : RegistryStart;

    /// <summary>The registry's kind of a question whose answer is a region of Tanzania.</summary>
    public const string RegionOfBirth = "region_of_birth";

    public sealed record NoMatch : RegistryStart;

    public sealed record Unavailable : RegistryStart;
}

public abstract record RegistryAnswer
{
    /// <summary>
    /// The person answered rightly. <paramref name="Phones"/> are the mobile numbers registered to the NIN (SIM
    /// registration is bound to the NIN), normalised: the only numbers a code may go to.
    /// </summary>
    public sealed record Verified(string? MiddleName, IReadOnlyList<string> Phones) : RegistryAnswer;

    public sealed record Wrong(int AttemptsLeft) : RegistryAnswer;

    public sealed record Locked : RegistryAnswer;

    /// <summary>The registry no longer knows the question (it expired): start again.</summary>
    public sealed record Expired : RegistryAnswer;

    public sealed record Unavailable : RegistryAnswer;
}

/// <summary>
/// The registry's verification API over HTTP (the demo <c>nida</c> agency implements it). Every call carries the
/// portal's service assertion (<c>Portal-Identity</c>, <c>typ</c> <c>portal-service+jwt</c>, addressed to the
/// registry), which the registry verifies with the portal's JWKS: nobody but the portal may use it.
/// </summary>
public sealed partial class HttpNationalIdRegistry(
    HttpClient http,
    IIdentityAssertions assertions,
    IOptions<RegistrationOptions> options,
    ILogger<HttpNationalIdRegistry> logger) : INationalIdRegistry
{
    /// <summary>More numbers than a person plausibly holds is not a registry answer to trust in full.</summary>
    private const int MaximumPhones = 5;

    private sealed record StartBody(string Nin, string FirstName, string LastName, DateOnly DateOfBirth);

    private sealed record Text(string Sw, string En);

    private sealed record Started(Guid VerificationId, Text Question, int AttemptsLeft, string? Kind);

    private sealed record Person(string? MiddleName, string[]? Phones);

    private sealed record Outcome(string Status, int AttemptsLeft, Person? Person);

    public async Task<RegistryStart> StartAsync(NationalIdNumber nin, string firstName, string lastName,
        DateOnly dateOfBirth, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await PostAsync("api/v1/verifications",
                new StartBody(nin.Digits, firstName, lastName, dateOfBirth), cancellationToken);
            if (response is null)
            {
                return new RegistryStart.Unavailable();
            }

            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity)
            {
                return new RegistryStart.NoMatch();
            }

            response.EnsureSuccessStatusCode();
            var started = await response.Content.ReadFromJsonAsync<Started>(cancellationToken);
            return started?.Question is null
                ? new RegistryStart.Unavailable()
                : new RegistryStart.Question(started.VerificationId.ToString(), started.Question.Sw, started.Question.En,
                    started.Kind ?? "", Math.Clamp(started.AttemptsLeft, 0, 10));
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
            using var response = await PostAsync($"api/v1/verifications/{Uri.EscapeDataString(verificationId)}/answers",
                new { answer }, cancellationToken);
            if (response is null)
            {
                return new RegistryAnswer.Unavailable();
            }

            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return new RegistryAnswer.Expired();
            }

            response.EnsureSuccessStatusCode();
            var outcome = await response.Content.ReadFromJsonAsync<Outcome>(cancellationToken);
            return outcome?.Status switch
            {
                "verified" => new RegistryAnswer.Verified(outcome.Person?.MiddleName, PhonesOf(outcome.Person)),
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

    /// <summary>The registry's numbers in international form, each once, in its order; anything else is dropped.</summary>
    private static string[] PhonesOf(Person? person) =>
        [.. (person?.Phones ?? []).Select(p => PhoneNumber.TryNormalise(p, out var phone) ? phone : null).OfType<string>()
            .Distinct(StringComparer.Ordinal).Take(MaximumPhones)];

    /// <summary>Posts with the portal's service assertion; null when the portal cannot make one (logged).</summary>
    private async Task<HttpResponseMessage?> PostAsync<T>(string path, T body, CancellationToken cancellationToken)
    {
        string assertion;
        try
        {
            assertion = await assertions.IssueServiceAssertionAsync(options.Value.RegistryAudience, cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or System.Security.Cryptography.CryptographicException)
        {
            // No issuer known outside a request (Identity:Issuer unset), or no signing key yet.
            LogNoAssertion(logger, e);
            return null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add(IIdentityAssertions.HeaderName, assertion);
        var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // The registry does not accept the portal's assertion: a configuration fault (its PortalUrl, the issuer).
            LogRefused(logger, http.BaseAddress);
        }

        return response;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The portal cannot make its service assertion for the national ID registry")]
    private static partial void LogNoAssertion(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "The national ID registry at {RegistryUrl} refused the portal's service assertion (401): check the registry's portal URL and the portal's issuer")]
    private static partial void LogRefused(ILogger logger, Uri? registryUrl);
}
