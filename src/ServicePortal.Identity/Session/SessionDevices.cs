using System.Globalization;
using System.Net;
using System.Net.Sockets;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Session;

/// <summary>
/// What the account page says about a session's device and place, honestly and without a lookup service: the
/// browser and system named by the User-Agent in plain words, and the network it came from with the part that
/// names one subscriber hidden (IPv4 by its /24, IPv6 by its /48). There is no GeoIP database here, and the page
/// says so rather than guess a town.
/// </summary>
public static class SessionDevices
{
    /// <summary>The network to keep with a session: never the full address.</summary>
    public static string MaskedNetwork(IPAddress? address)
    {
        if (address is null)
        {
            return "";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes[3] = 0;
            return new IPAddress(bytes) + "/24";
        }

        Array.Clear(bytes, 6, 10);
        return new IPAddress(bytes) + "/48";
    }

    /// <summary>
    /// A stored network as people read it: an IPv4 /24 as "196.249.12.x" (the hidden part spelt out), an IPv6 /48 as
    /// its prefix ("2001:db8:12::/48"); nothing when none was stored.
    /// </summary>
    public static string Network(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            return "";
        }

        return stored.EndsWith(".0/24", StringComparison.Ordinal) ? stored[..^".0/24".Length] + ".x" : stored;
    }

    /// <summary>"Chrome kwenye Android" / "Chrome on Android", from the User-Agent.</summary>
    public static string Describe(string? userAgent)
    {
        var agent = userAgent ?? "";
        var browser = Browser(agent);
        var system = OperatingSystemOf(agent);
        return (browser, system) switch
        {
            (null, null) => T("Kivinjari kisichojulikana", "An unknown browser"),
            (null, { } os) => T($"Kivinjari kwenye {os}", $"A browser on {os}"),
            ({ } name, null) => name,
            ({ } name, { } os) => T($"{name} kwenye {os}", $"{name} on {os}"),
        };
    }

    /// <summary>A time as people here read it: East Africa Time (UTC+3, no daylight saving), "14:05, 2 Desemba 2026".</summary>
    public static string When(DateTimeOffset time)
    {
        var local = time.ToOffset(TimeSpan.FromHours(3));
        return local.ToString("HH:mm", CultureInfo.InvariantCulture) + ", " +
               local.ToString("d MMMM yyyy", CultureInfo.CurrentCulture);
    }

    private static string? Browser(string agent) => agent switch
    {
        _ when Has(agent, "Opera Mini") => "Opera Mini",
        _ when Has(agent, "OPR/") || Has(agent, "Opera") => "Opera",
        _ when Has(agent, "Edg/") || Has(agent, "EdgA/") || Has(agent, "EdgiOS/") => "Edge",
        _ when Has(agent, "SamsungBrowser") => "Samsung Internet",
        _ when Has(agent, "UCBrowser") => "UC Browser",
        _ when Has(agent, "Firefox/") || Has(agent, "FxiOS/") => "Firefox",
        _ when Has(agent, "Chrome/") || Has(agent, "CriOS/") => "Chrome",
        _ when Has(agent, "Safari/") && Has(agent, "Version/") => "Safari",
        _ => null,
    };

    private static string? OperatingSystemOf(string agent) => agent switch
    {
        _ when Has(agent, "KAIOS") => "KaiOS",
        _ when Has(agent, "Android") => "Android",
        _ when Has(agent, "iPhone") => "iPhone",
        _ when Has(agent, "iPad") => "iPad",
        _ when Has(agent, "Windows") => "Windows",
        _ when Has(agent, "CrOS") => "ChromeOS",
        _ when Has(agent, "Mac OS X") || Has(agent, "Macintosh") => "macOS",
        _ when Has(agent, "Linux") => "Linux",
        _ => null,
    };

    private static bool Has(string agent, string part) => agent.Contains(part, StringComparison.OrdinalIgnoreCase);
}
