using Npgsql;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Staff;

namespace ServicePortal.Identity.Accounts;

/// <summary>A person's portal account, keyed on their NIN. Staff are accounts with roles.</summary>
public sealed record Account(
    Guid Id,
    NationalIdNumber Nin,
    string FirstName,
    string? MiddleName,
    string LastName,
    DateOnly DateOfBirth,
    string Phone,
    string? Email,
    string Language,
    string PasswordHash,
    string SecondFactor,
    string? TotpSecret,
    int FailedAttempts,
    DateTimeOffset? LockedUntil,
    Guid SecurityStamp)
{
    public string FullName => MiddleName is null ? $"{FirstName} {LastName}" : $"{FirstName} {MiddleName} {LastName}";

    public bool IsLocked(DateTimeOffset now) => LockedUntil is { } until && until > now;

    internal const string Columns =
        "id, nin, first_name, middle_name, last_name, date_of_birth, phone, email, language, password_hash, " +
        "second_factor, totp_secret, failed_attempts, locked_until, security_stamp";

    internal static Account Read(NpgsqlDataReader r) => new(
        r.GetGuid(0),
        NationalIdNumber.Parse(r.GetString(1), DateOnly.MaxValue),
        r.GetString(2),
        r.IsDBNull(3) ? null : r.GetString(3),
        r.GetString(4),
        r.GetFieldValue<DateOnly>(5),
        r.GetString(6),
        r.IsDBNull(7) ? null : r.GetString(7),
        r.GetString(8),
        r.GetString(9),
        r.GetString(10),
        r.IsDBNull(11) ? null : r.GetString(11),
        r.GetInt32(12),
        r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13),
        r.GetGuid(14));
}

/// <summary>The roles staff hold. An agency officer's role names the agency.</summary>
public sealed record AccountRole(string Role, string AgencyCode)
{
    public const string HelpdeskAgent = StaffRoles.HelpdeskAgent;
    public const string HelpdeskSupervisor = StaffRoles.HelpdeskSupervisor;
    public const string AgencyOfficer = StaffRoles.AgencyOfficer;
    public const string Administrator = StaffRoles.Administrator;
}
