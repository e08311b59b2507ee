using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using ServicePortal.Core.Hosting;

namespace ServicePortal.Core.Security;

/// <summary>
/// Keeps the ASP.NET Core Data Protection key ring in PostgreSQL, so every node of the portal protects and
/// reads cookies, antiforgery tokens and protected data with the same keys.
/// </summary>
public sealed class PostgresKeyRepository(NpgsqlDataSource dataSource) : IXmlRepository
{
    // The interface is synchronous; key ring reads are rare (at start and when the ring is refreshed).
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = dataSource.CreateCommand("SELECT xml FROM portal.data_protection_keys ORDER BY created_at");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var command = dataSource.CreateCommand(
            "INSERT INTO portal.data_protection_keys (friendly_name, xml) VALUES ($1, $2) ON CONFLICT (friendly_name) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = friendlyName });
        command.Parameters.Add(new NpgsqlParameter { Value = element.ToString(SaveOptions.DisableFormatting) });
        command.ExecuteNonQuery();
    }
}

public static partial class PortalDataProtection
{
    public const string CertificatePathSetting = "DataProtection:CertificatePath";
    public const string CertificatePasswordSetting = "DataProtection:CertificatePassword";
    public const string AllowUnencryptedKeysSetting = "DataProtection:AllowUnencryptedKeys";

    /// <summary>
    /// Data Protection for a portal of many nodes: one application name, the key ring in PostgreSQL, and the keys
    /// encrypted at rest with the certificate at <c>DataProtection:CertificatePath</c> (a PKCS#12 file, password in
    /// <c>DataProtection:CertificatePassword</c>). The keys protect the session, antiforgery and pending sign-in
    /// cookies: whoever reads them from a database copy or backup can forge any of those. So outside Development the
    /// host refuses to start without the certificate, unless <c>DataProtection:AllowUnencryptedKeys=true</c> says on
    /// purpose that the keys may be kept readable (then a warning is logged at every start, and ASP.NET warns too).
    /// A setting that cannot be used stops the host with one line naming it.
    /// </summary>
    public static IServiceCollection AddPortalDataProtection(this IServiceCollection services, IConfiguration configuration,
        IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var builder = services.AddDataProtection().SetApplicationName("ServicePortal");
        services.AddOptions<KeyManagementOptions>()
            .Configure<NpgsqlDataSource>((options, dataSource) => options.XmlRepository = new PostgresKeyRepository(dataSource));

        var certificatePath = configuration[CertificatePathSetting];
        if (!string.IsNullOrWhiteSpace(certificatePath))
        {
            builder.ProtectKeysWithCertificate(LoadCertificate(certificatePath, configuration[CertificatePasswordSetting]));
            return services;
        }

        var optOut = configuration[AllowUnencryptedKeysSetting];
        if (!bool.TryParse(string.IsNullOrWhiteSpace(optOut) ? "false" : optOut, out var allowUnencrypted))
        {
            throw new PortalStartupException($"{AllowUnencryptedKeysSetting}: '{optOut}' is not true or false.");
        }

        if (environment.IsDevelopment())
        {
            return services;
        }

        if (!allowUnencrypted)
        {
            throw new PortalStartupException(
                $"{CertificatePathSetting} is required outside Development: a PKCS#12 certificate that encrypts the Data Protection " +
                $"keys (they protect the session cookies) in the database (password in {CertificatePasswordSetting}). To keep them " +
                $"unencrypted on purpose, set {AllowUnencryptedKeysSetting}=true (a warning is logged at every start).");
        }

        services.AddHostedService<UnencryptedKeysWarning>();
        return services;
    }

    private static X509Certificate2 LoadCertificate(string path, string? password)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new PortalStartupException(
                $"{CertificatePathSetting}: cannot read the certificate at '{path}' ({e.Message.TrimEnd('.')}); check the file and {CertificatePasswordSetting}.", e);
        }

        if (!certificate.HasPrivateKey)
        {
            throw new PortalStartupException($"{CertificatePathSetting}: the certificate at '{path}' has no private key, so the keys could not be read back.");
        }

        return certificate;
    }

    /// <summary>The opt-out, said out loud at every start, so nobody keeps it by accident.</summary>
    private sealed partial class UnencryptedKeysWarning(ILogger<UnencryptedKeysWarning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            LogUnencrypted(logger, AllowUnencryptedKeysSetting, CertificatePathSetting);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Warning,
            Message = "The Data Protection keys are stored unencrypted in the database ({OptOut}=true): anyone who reads a copy of it can forge sessions. Set {Setting} to encrypt them.")]
        private static partial void LogUnencrypted(ILogger logger, string optOut, string setting);
    }
}
