using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ServicePortal.Core.Hosting;

/// <summary>
/// How a person reaches the portal's helpdesk (section <c>Contact</c>): one setting, said wherever a page, an error
/// or an SMS tells someone where to turn (assisted recovery, the notice after a change of password or phone). The
/// defaults are placeholders until the helpdesk has its real number and address: set them in production.
/// </summary>
public sealed class PortalContact
{
    public const string Section = "Contact";

    [Required]
    [StringLength(40, MinimumLength = 3)]
    public string HelpdeskPhone { get; set; } = "0800 110 000";

    [Required]
    [EmailAddress]
    [StringLength(254)]
    public string HelpdeskEmail { get; set; } = "msaada@huduma.example";

    /// <summary>The number for a <c>tel:</c> link: digits and a leading plus only.</summary>
    public string PhoneLink => new([.. HelpdeskPhone.Where((c, i) => char.IsAsciiDigit(c) || (c == '+' && i == 0))]);
}

public static class PortalContactSetup
{
    /// <summary>Registers <see cref="PortalContact"/>, validated at start; any module may call it, once is enough.</summary>
    public static IServiceCollection AddPortalContact(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(PortalContactMarker)))
        {
            return services;
        }

        services.TryAddSingleton<PortalContactMarker>();
        services.AddOptions<PortalContact>().Bind(configuration.GetSection(PortalContact.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    private sealed class PortalContactMarker;
}
