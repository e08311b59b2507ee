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

    [Range(typeof(TimeSpan), "00:05:00", "12:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a node keeps a session's account without reading it again. A change is announced at once
    /// (NOTIFY), so this is only the bound when a notification is missed. Zero reads the database on every
    /// request (to measure it).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan SessionCacheLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>PBKDF2-HMAC-SHA512 iterations (OWASP 2023: at least 210,000).</summary>
    [Range(100_000, 5_000_000)]
    public int PasswordHashIterations { get; set; } = 210_000;

    /// <summary>Sign-in, registration and code attempts allowed per client address per minute (per node).</summary>
    [Range(1, 10_000)]
    public int AttemptsPerAddressPerMinute { get; set; } = 30;

    /// <summary>The national ID registry's verification API (the demo <c>nida</c> agency in Development).</summary>
    [Required]
    public Uri? RegistryUrl { get; set; }
}
