using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using ServicePortal.Core.Hosting;
using ServicePortal.Core.Identity;

namespace ServicePortal.Identity.Accounts;

/// <summary>
/// Development only: demo accounts for people of the demo national ID registry, a citizen and one staff
/// member of each role, all with the password <see cref="Password"/>. The citizen's second factor is SMS; the staff
/// have an authenticator app with the published secret <see cref="StaffAuthenticatorSecret"/> (staff need an app or a
/// passkey, issue 12: an SMS code gives them no staff role). Created once, idempotently; never registered outside
/// Development.
/// </summary>
public sealed partial class DemoAccounts(NpgsqlDataSource dataSource, PasswordHashing passwords,
    Microsoft.AspNetCore.DataProtection.IDataProtectionProvider protection, ILogger<DemoAccounts> logger)
    : IHostedService
{
    public const string Password = "Karibu-Portal-2026";

    /// <summary>The demo staff's authenticator-app key (base32), printed at start and in the README: a demo, not a secret.</summary>
    public const string StaffAuthenticatorSecret = "KARIBUPORTALDEMOSTAFF234";

    private sealed record Demo(string Nin, string First, string Middle, string Last, DateOnly Born, string Phone, string? Role, string Agency, string What);

    private static readonly Demo[] People =
    [
        new("19900415111110000123", "Amina", "Hassan", "Mwakyusa", new(1990, 4, 15), "+255700000001", null, "", "citizen"),
        new("19851102222220000234", "Juma", "Bakari", "Said", new(1985, 11, 2), "+255700000002", AccountRole.HelpdeskAgent, "", "helpdesk agent"),
        new("19720630333330000345", "Neema", "John", "Massawe", new(1972, 6, 30), "+255700000003", AccountRole.HelpdeskSupervisor, "", "helpdesk supervisor"),
        new("20010918444440000456", "Baraka", "Joseph", "Mushi", new(2001, 9, 18), "+255700000004", AccountRole.AgencyOfficer, "rita", "agency officer (rita)"),
        new("19680312666660000678", "Emmanuel", "Peter", "Kimaro", new(1968, 3, 12), "+255700000006", AccountRole.Administrator, "", "administrator"),
    ];

    public static StartupNotice Notice { get; } = new("Demo accounts (password " + Password + "; citizen: SMS code at /dev/messages; staff: authenticator key " + StaffAuthenticatorSecret + ")",
        [.. People.Select(p => $"{NationalIdNumber.Parse(p.Nin, DateOnly.MaxValue).Formatted}  {p.First + " " + p.Last,-18} {p.What}")]);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var hash = passwords.Hash(Password);
        var staffSecret = Microsoft.AspNetCore.DataProtection.DataProtectionCommonExtensions.Protect(
            protection.CreateProtector("ServicePortal.Identity.Totp.v1"), StaffAuthenticatorSecret);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var person in People)
        {
            await using var command = new NpgsqlCommand(
                """
                WITH created AS (
                    INSERT INTO identity.accounts (nin, first_name, middle_name, last_name, date_of_birth, phone, password_hash)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    ON CONFLICT (nin) DO NOTHING
                    RETURNING id)
                INSERT INTO identity.account_roles (account_id, role, agency_code)
                SELECT id, $8, $9 FROM created WHERE $8::text IS NOT NULL
                """, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = person.Nin });
            command.Parameters.Add(new NpgsqlParameter { Value = person.First });
            command.Parameters.Add(new NpgsqlParameter { Value = person.Middle });
            command.Parameters.Add(new NpgsqlParameter { Value = person.Last });
            command.Parameters.Add(new NpgsqlParameter { Value = person.Born });
            command.Parameters.Add(new NpgsqlParameter { Value = person.Phone });
            command.Parameters.Add(new NpgsqlParameter { Value = hash });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)person.Role ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = person.Agency });
            await command.ExecuteNonQueryAsync(cancellationToken);
            if (person.Role is not null)
            {
                // Also for a demo database seeded before staff needed an app: the staff get the published key once.
                await using var app = new NpgsqlCommand(
                    "UPDATE identity.accounts SET second_factor = 'totp', totp_secret = $2 WHERE nin = $1 AND totp_secret IS NULL", connection);
                app.Parameters.Add(new NpgsqlParameter { Value = person.Nin });
                app.Parameters.Add(new NpgsqlParameter { Value = staffSecret });
                await app.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        LogSeeded(logger, People.Length);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo accounts ready ({Count})")]
    private static partial void LogSeeded(ILogger logger, int count);
}
