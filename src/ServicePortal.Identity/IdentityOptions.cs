using System.ComponentModel.DataAnnotations;

namespace ServicePortal.Identity;

/// <summary>Settings of sign-in and registration (section <c>Identity</c>), validated at start-up.</summary>
public sealed class IdentityOptions
{
    /// <summary>The wrong password or code that locks the account: the 6th, as GOV.UK One Login does.</summary>
    [Range(3, 20)]
    public int LockoutThreshold { get; set; } = 6;

    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromHours(2);

    [Range(typeof(TimeSpan), "00:01:00", "00:30:00")]
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    [Range(1, 10)]
    public int CodeMaxAttempts { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CodeResendInterval { get; set; } = TimeSpan.FromSeconds(60);

    [Range(typeof(TimeSpan), "00:05:00", "02:00:00")]
    public TimeSpan RegistrationLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session unused this long ends: 15 minutes, as login.gov (NIST SP 800-63B AAL2 allows up to 30).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "12:00:00")]
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A citizen's session ends this long after sign-in however busy it is: 12 hours, as login.gov.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan SessionAbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>A staff member's session (any role): 8 hours, a working day.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan StaffSessionAbsoluteLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// How long a node keeps a session, or a session's account, without reading it again. A change is announced at once
    /// (NOTIFY), so this is only the bound when a notification is missed. Zero reads the database on every
    /// request (to measure it).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan SessionCacheLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>PBKDF2-HMAC-SHA512 iterations (OWASP 2023: at least 210,000).</summary>
    [Range(100_000, 5_000_000)]
    public int PasswordHashIterations { get; set; } = 210_000;

    /// <summary>
    /// Identity form submissions (sign-in, codes, registration, recovery) allowed per client network (an IPv4
    /// address, an IPv6 /64) per minute, counted in PostgreSQL across every node.
    /// </summary>
    [Range(1, 100_000)]
    public int AttemptsPerAddressPerMinute { get; set; } = 60;

    /// <summary>
    /// Distinct NINs one client network may try to sign in to per hour from browsers that never signed in to them
    /// (a browser with the NIN's device cookie is never refused by its network): the bound on credential stuffing and
    /// on trying one password against many NINs, which no NIN's own lock would see. NINs, not attempts: a carrier's
    /// NAT puts thousands of phones behind one address, and a NIN whose password is given rightly no longer counts.
    /// </summary>
    [Range(1, 1_000_000)]
    public int NinsTriedPerNetworkPerHour { get; set; } = 50;

    /// <summary>The national ID registry's verification API (the demo <c>nida</c> agency in Development).</summary>
    [Required]
    public Uri? RegistryUrl { get; set; }
}
