using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ServicePortal.Core.Security;

/// <summary>
/// Whether every cookie the portal sets is <c>Secure</c>: the one rule for the web shell's cookie policy and for the
/// Identity module's own cookies. On everywhere but Development: TLS usually ends at the load balancer, so a node
/// sees plain HTTP while the browser speaks HTTPS, and "Secure when the request was HTTPS" would leave it off.
/// <c>Web:SecureCookies=false</c> turns it off where browsers really speak plain HTTP to the portal (a benchmark
/// driving it with curl over loopback); the tests keep it on.
/// </summary>
public static class SecureCookies
{
    public const string Setting = "Web:SecureCookies";

    public static bool Required(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        return configuration.GetValue<bool?>(Setting) ?? !environment.IsDevelopment();
    }
}
