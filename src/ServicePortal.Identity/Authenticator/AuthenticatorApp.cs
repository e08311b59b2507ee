using Microsoft.AspNetCore.DataProtection;
using Npgsql;
using OtpNet;
using QRCoder;

namespace ServicePortal.Identity.Authenticator;

/// <summary>
/// The authenticator-app second factor (TOTP, RFC 6238: 30-second steps, 6 digits, SHA-1 as every app
/// supports). The shared secret is kept protected with Data Protection; a code is accepted one step early or
/// late (clock drift), and each time step only once (no replay).
/// </summary>
public sealed class AuthenticatorApp(NpgsqlDataSource dataSource, IDataProtectionProvider protection, TimeProvider clock)
{
    private readonly IDataProtector _secrets = protection.CreateProtector("ServicePortal.Identity.Totp.v1");
    private readonly ITimeLimitedDataProtector _enrolments =
        protection.CreateProtector("ServicePortal.Identity.TotpEnrolment.v1").ToTimeLimitedDataProtector();

    /// <summary>A new secret for enrolment, sealed for ten minutes so the form can carry it back.</summary>
    public (string Base32, string Sealed) NewSecret()
    {
        var secret = KeyGeneration.GenerateRandomKey(20);
        return (Base32Encoding.ToString(secret), _enrolments.Protect(Base32Encoding.ToString(secret), TimeSpan.FromMinutes(10)));
    }

    public string? Unseal(string? sealedSecret)
    {
        try
        {
            return sealedSecret is null ? null : _enrolments.Unprotect(sealedSecret);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // tampered with, or older than ten minutes
        }
    }

    /// <summary>The <c>otpauth://</c> address and its QR code as an SVG data URI (CSP allows data: images).</summary>
    public static (string Uri, string QrDataUri) Enrolment(string base32Secret, string accountLabel)
    {
        var uri = $"otpauth://totp/{Uri.EscapeDataString("Lango la Huduma za Serikali")}:{Uri.EscapeDataString(accountLabel)}" +
                  $"?secret={base32Secret}&issuer={Uri.EscapeDataString("Lango la Huduma za Serikali")}&digits=6&period=30";
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(4);
        return (uri, "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(svg)));
    }

    /// <summary>The time step a code matches (one step of drift each way), or null.</summary>
    public long? Match(string base32Secret, string? code)
    {
        var typed = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
        if (typed.Length != 6)
        {
            return null;
        }

        var totp = new Totp(Base32Encoding.ToBytes(base32Secret));
        return totp.VerifyTotp(clock.GetUtcNow().UtcDateTime, typed, out var step, new VerificationWindow(previous: 1, future: 1))
            ? step
            : null;
    }

    /// <summary>Turns the app on, in the caller's transaction (see <see cref="Accounts.AccountSecurityEvents"/>).</summary>
    public async Task EnableAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid accountId, string base32Secret,
        long step, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE identity.accounts
            SET second_factor = 'totp', totp_secret = $2, totp_last_step = $3, updated_at = now()
            WHERE id = $1
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = _secrets.Protect(base32Secret) });
        command.Parameters.Add(new NpgsqlParameter { Value = step });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Back to SMS codes, in the caller's transaction.</summary>
    public static async Task DisableAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid accountId,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE identity.accounts SET second_factor = 'sms', totp_secret = NULL, totp_last_step = NULL, updated_at = now() WHERE id = $1",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Checks a sign-in code and spends its time step, atomically (two nodes cannot both accept it).</summary>
    public async Task<bool> VerifyAsync(Guid accountId, string protectedSecret, string? code, CancellationToken cancellationToken)
    {
        string secret;
        try
        {
            secret = _secrets.Unprotect(protectedSecret);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }

        if (Match(secret, code) is not { } step)
        {
            return false;
        }

        await using var command = dataSource.CreateCommand(
            "UPDATE identity.accounts SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = step });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
