using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentValidation;
using FluentValidation.Results;
using ServicePortal.Core.Security;

namespace ServicePortal.Catalog.Onboarding;

/// <summary>One address the gateway balances over.</summary>
public sealed record ProposedDestination(string? Name, string? Address);

/// <summary>What <c>/agencies/{agency}/{name}/...</c> forwards to (<c>PUT /api/agency/endpoints/{name}</c>).</summary>
public sealed record EndpointProposal(
    IReadOnlyList<ProposedDestination>? Destinations,
    string? HealthCheckPath,
    int? HealthCheckIntervalSeconds,
    int? TimeoutSeconds,
    long? MaxRequestBodyBytes,
    string? AuthRequirement,
    string? RateLimitPolicy)
{
    /// <summary>The proposal with the column names of <c>catalog.agency_endpoints</c>; absent fields take the table's defaults.</summary>
    public JsonObject ToBody(string name, string agency) => new()
    {
        ["name"] = name,
        ["agency"] = agency,
        ["destinations"] = new JsonArray([.. (Destinations ?? []).Select(d => (JsonNode?)new JsonObject { ["name"] = d.Name, ["address"] = d.Address })]),
        ["health_check_path"] = HealthCheckPath ?? "/health",
        ["health_check_interval_seconds"] = HealthCheckIntervalSeconds ?? 15,
        ["timeout_seconds"] = TimeoutSeconds ?? 30,
        ["max_request_body_bytes"] = MaxRequestBodyBytes ?? 10_485_760,
        ["auth_requirement"] = AuthRequirement ?? "citizen",
        ["rate_limit_policy"] = RateLimitPolicy ?? "standard",
    };
}

public sealed record EndpointProposalInput(string Name, EndpointProposal Proposal);

public sealed partial class EndpointProposalValidator : AbstractValidator<EndpointProposalInput>
{
    public static readonly IReadOnlySet<string> AuthRequirements =
        new HashSet<string>(["public", "citizen", "citizen_substantial"], StringComparer.Ordinal);

    /// <summary>Said of an address outside Development that is plain http or not on the public internet.</summary>
    public static readonly string NotPublicHttps = OnboardingRules.Both(
        "Anwani iwe https, kwenye anwani ya mtandao wa umma: si loopback (localhost), mtandao binafsi, link-local, metadata wala multicast.",
        "The address must be https, at a public address: not loopback (localhost), a private network, link-local, metadata or multicast.");

    public EndpointProposalValidator(AgencyDestinations destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        RuleFor(x => x).Custom((input, context) =>
        {
            static string Both(string sw, string en) => OnboardingRules.Both(sw, en);
            var p = input.Proposal;
            if (!Name().IsMatch(input.Name))
            {
                context.AddFailure(new ValidationFailure("name", Both(
                    "Jina la kituo liwe herufi ndogo, tarakimu na vistari, lianze na herufi (hadi herufi 40).",
                    "The endpoint name must be lower-case letters, digits and hyphens, starting with a letter (up to 40).")));
            }

            if (p.Destinations is not { Count: >= 1 and <= 16 })
            {
                context.AddFailure(new ValidationFailure("destinations", Both("Taja anwani 1 hadi 16.", "Give 1 to 16 destinations.")));
            }
            else
            {
                for (var i = 0; i < p.Destinations.Count; i++)
                {
                    var d = p.Destinations[i];
                    if (d?.Name is null || !Name().IsMatch(d.Name))
                    {
                        context.AddFailure(new ValidationFailure($"destinations[{i}].name", Both(
                            "Jina liwe herufi ndogo, tarakimu na vistari (hadi 40).",
                            "The name must be lower-case letters, digits and hyphens (up to 40).")));
                    }

                    if (d?.Address is null || d.Address.Length > 500 || OnboardingRules.HasControl(d.Address, false) ||
                        !Uri.TryCreate(d.Address, UriKind.Absolute, out var uri) ||
                        (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
                        !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
                    {
                        context.AddFailure(new ValidationFailure($"destinations[{i}].address", Both(
                            "Anwani iwe URL kamili ya http au https, bila jina la mtumiaji, query wala fragment.",
                            "The address must be an absolute http or https URL, without user info, query or fragment.")));
                    }
                    else if (destinations.Problem(uri) is not null)
                    {
                        context.AddFailure(new ValidationFailure($"destinations[{i}].address", NotPublicHttps));
                    }
                }

                if (p.Destinations.Where(d => d?.Name is not null).GroupBy(d => d.Name).Any(g => g.Count() > 1))
                {
                    context.AddFailure(new ValidationFailure("destinations", Both("Kila anwani iwe na jina lake la kipekee.",
                        "Each destination needs a name of its own.")));
                }
            }

            if (p.HealthCheckPath is not null && !HealthPath().IsMatch(p.HealthCheckPath))
            {
                context.AddFailure(new ValidationFailure("healthCheckPath", Both(
                    "Njia ya afya ianze na / na iwe na herufi, tarakimu, / _ . - tu.",
                    "The health check path must start with / and hold only letters, digits, / _ . -.")));
            }

            if (p.HealthCheckIntervalSeconds is < 5 or > 3600)
            {
                context.AddFailure(new ValidationFailure("healthCheckIntervalSeconds", Both("Iwe sekunde 5 hadi 3600.", "It must be 5 to 3600 seconds.")));
            }

            if (p.TimeoutSeconds is < 1 or > 300)
            {
                context.AddFailure(new ValidationFailure("timeoutSeconds", Both("Iwe sekunde 1 hadi 300.", "It must be 1 to 300 seconds.")));
            }

            if (p.MaxRequestBodyBytes is < 0 or > 104_857_600)
            {
                context.AddFailure(new ValidationFailure("maxRequestBodyBytes", Both("Iwe baiti 0 hadi 104857600 (MB 100).",
                    "It must be 0 to 104857600 bytes (100 MB).")));
            }

            if (p.AuthRequirement is not null && !AuthRequirements.Contains(p.AuthRequirement))
            {
                context.AddFailure(new ValidationFailure("authRequirement", Both(
                    "Iwe mojawapo ya: public, citizen, citizen_substantial.", "It must be one of: public, citizen, citizen_substantial.")));
            }

            if (p.RateLimitPolicy is not null && !Name().IsMatch(p.RateLimitPolicy))
            {
                context.AddFailure(new ValidationFailure("rateLimitPolicy", Both(
                    "Jina la sera liwe herufi ndogo, tarakimu na vistari (hadi 40).",
                    "The policy name must be lower-case letters, digits and hyphens (up to 40).")));
            }
        });
        RuleFor(x => x).CustomAsync((input, context, cancellationToken) => ResolvesPubliclyAsync(input, context, destinations, cancellationToken));
    }

    /// <summary>
    /// The names of well-formed destinations must resolve to public addresses only (unless listed). Checked
    /// again on every new connection, since DNS can change after approval; a name that does not resolve yet passes.
    /// </summary>
    private static async Task ResolvesPubliclyAsync(EndpointProposalInput input, ValidationContext<EndpointProposalInput> context,
        AgencyDestinations destinations, CancellationToken cancellationToken)
    {
        var list = input.Proposal.Destinations;
        if (list is not { Count: >= 1 and <= 16 })
        {
            return;
        }

        for (var i = 0; i < list.Count; i++)
        {
            // Only the addresses the rule above let through: one failure per address is enough.
            if (list[i]?.Address is { Length: <= 500 } address && Uri.TryCreate(address, UriKind.Absolute, out var uri) &&
                destinations.Problem(uri) is null &&
                await destinations.ProblemAsync(uri, cancellationToken) is not null)
            {
                context.AddFailure(new ValidationFailure($"destinations[{i}].address", NotPublicHttps));
            }
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,39}$")]
    private static partial Regex Name();

    [GeneratedRegex("^/[A-Za-z0-9/_.-]{0,199}$")]
    private static partial Regex HealthPath();
}
