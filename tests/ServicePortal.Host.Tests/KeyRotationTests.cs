using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OtpNet;
using ServicePortal.Identity.Authenticator;

namespace ServicePortal.Host.Tests;

/// <summary>
/// Rotating the certificate that encrypts the Data Protection key ring: keys encrypted with the previous certificate
/// must still decrypt, or every authenticator-app secret protected with them is lost. Each test runs two portals on
/// one database, as a deployment before and after the rotation.
/// </summary>
public sealed class KeyRotationTests
{
    [Fact]
    public async Task After_a_rotation_that_lists_the_previous_certificate_an_authenticator_secret_protected_before_still_verifies()
    {
        await using var before = new PortalFactory();
        await before.InitializeAsync();
        var (accountId, secret, protectedSecret) = await EnrolAsync(before);

        var (path, password) = TestCertificate.CreateAnother("rotated");
        await using var after = new PortalFactory()
            .With("ConnectionStrings:Portal", before.Database.ConnectionString)
            .With("DataProtection:CertificatePath", path)
            .With("DataProtection:CertificatePassword", password)
            .With("DataProtection:PreviousCertificates:0:Path", TestCertificate.Path)
            .With("DataProtection:PreviousCertificates:0:Password", TestCertificate.Password);
        await after.InitializeAsync();
        var app = after.Services.GetRequiredService<AuthenticatorApp>();

        Assert.True(await app.VerifyAsync(accountId, protectedSecret, new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow), CancellationToken.None));
    }

    [Fact]
    public async Task A_rotation_that_forgets_the_previous_certificate_stops_the_host_naming_the_certificate_and_the_setting()
    {
        await using var before = new PortalFactory();
        await before.InitializeAsync();
        await EnrolAsync(before);
        var keysBefore = await before.CountAsync("SELECT count(*) FROM portal.data_protection_keys");

        var (path, password) = TestCertificate.CreateAnother("rotated");
        var result = await HostProcess.RunAsync("ServicePortal.Host", [], new Dictionary<string, string>
        {
            ["ConnectionStrings__Portal"] = before.Database.ConnectionString,
            ["PORTAL_URLS"] = $"http://127.0.0.1:{HostProcess.FreePort()}",
            ["DataProtection__CertificatePath"] = path,
            ["DataProtection__CertificatePassword"] = password,
        });

        Assert.True(result.ExitCode != 0, result.StandardOutput);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ServicePortal cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains("DataProtection:PreviousCertificates", line, StringComparison.Ordinal);
        Assert.Contains("CN=ServicePortal test data protection", line, StringComparison.Ordinal);
        // Nothing was written in its place: no new key made while the old ones were unreadable.
        Assert.Equal(keysBefore, await before.CountAsync("SELECT count(*) FROM portal.data_protection_keys"));
    }

    [Fact]
    public async Task A_key_past_its_expiry_still_reads_the_authenticator_secrets_it_protected_and_no_key_is_deleted()
    {
        await using var before = new PortalFactory();
        await before.InitializeAsync();
        var (accountId, secret, protectedSecret) = await EnrolAsync(before);
        // 90 days and more later: every key of the ring has expired (the dates are plain in the stored XML).
        await using (var connection = new NpgsqlConnection(before.Database.ConnectionString))
        {
            await connection.ExecuteAsync("""
                UPDATE portal.data_protection_keys
                   SET xml = regexp_replace(regexp_replace(regexp_replace(xml,
                       '<creationDate>[^<]*</creationDate>', '<creationDate>1999-10-01T00:00:00Z</creationDate>'),
                       '<activationDate>[^<]*</activationDate>', '<activationDate>1999-10-01T00:00:00Z</activationDate>'),
                       '<expirationDate>[^<]*</expirationDate>', '<expirationDate>1999-12-30T00:00:00Z</expirationDate>')
                """);
        }

        var keysBefore = await before.CountAsync("SELECT count(*) FROM portal.data_protection_keys");

        await using var later = new PortalFactory().With("ConnectionStrings:Portal", before.Database.ConnectionString);
        await later.InitializeAsync();
        var app = later.Services.GetRequiredService<AuthenticatorApp>();
        using var client = later.CreateClient();
        await client.GetAsync("/account/sign-in"); // protects new data (an antiforgery token)

        Assert.True(await app.VerifyAsync(accountId, protectedSecret, new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow), CancellationToken.None));
        Assert.True(await before.CountAsync("SELECT count(*) FROM portal.data_protection_keys") >= keysBefore);
    }

    /// <summary>An account with the authenticator app turned on: its id, the secret, and the secret as stored (protected).</summary>
    private static async Task<(Guid AccountId, string Secret, string Protected)> EnrolAsync(PortalFactory portal)
    {
        var (nin, _) = await portal.CreateAccountAsync();
        var app = portal.Services.GetRequiredService<AuthenticatorApp>();
        var (secret, _) = app.NewSecret();
        await using var connection = new NpgsqlConnection(portal.Database.ConnectionString);
        await connection.OpenAsync();
        var accountId = await connection.QuerySingleAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await app.EnableAsync(connection, transaction, accountId, secret, step: 0, CancellationToken.None);
            await transaction.CommitAsync();
        }

        var stored = await connection.QuerySingleAsync<string>("SELECT totp_secret FROM identity.accounts WHERE id = @accountId", new { accountId });
        return (accountId, secret, stored);
    }
}
