using System.ComponentModel.DataAnnotations;

namespace ServicePortal.Identity.Registration;

/// <summary>
/// Settings of proving who you are, for a new account or a forgotten password (section <c>Identity:Registration</c>),
/// validated at start-up. The limits are counted in PostgreSQL (<c>AttemptLimits</c>), so they hold across every
/// node, in fixed windows: a day (from 03:00 East Africa Time) or an hour.
/// </summary>
public sealed class RegistrationOptions
{
    public const string Section = "Identity:Registration";

    /// <summary>Verifications started per NIN per day (details the registry matched), for registering and resetting together.</summary>
    [Range(1, 100)]
    public int StartsPerNinPerDay { get; set; } = 5;

    /// <summary>
    /// Answers to the registry's questions per NIN per day. Every answer counts before it is checked (a right one
    /// too), so however many requests run at once there are never more wrong ones than this; a new start does not
    /// reset it.
    /// </summary>
    [Range(1, 100)]
    public int AnswersPerNinPerDay { get; set; } = 6;

    /// <summary>
    /// Distinct NINs whose registry question one client network (an IPv4 address, an IPv6 /64) may answer per hour;
    /// a NIN whose answer is right no longer counts. Registering is once in a life, so even an address shared by
    /// thousands of phones (a carrier's NAT) sees few NINs an hour; a list of stolen ID-card details tried from one
    /// network stops here.
    /// </summary>
    [Range(1, 100_000)]
    public int AnswerNinsPerNetworkPerHour { get; set; } = 20;

    /// <summary>Authenticator-app codes tried per account per day in a password reset (a right one counts too).</summary>
    [Range(1, 100)]
    public int AppCodesPerAccountPerDay { get; set; } = 5;

    /// <summary>One-time codes sent to one phone per hour, for any purpose (sign-in codes too).</summary>
    [Range(1, 1000)]
    public int CodesPerPhonePerHour { get; set; } = 5;

    /// <summary>The registry's agency code: the audience of the portal's service assertion it requires.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9-]{1,39}$")]
    public string RegistryAudience { get; set; } = "nida";
}
