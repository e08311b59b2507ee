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
internal sealed class PostgresKeyRepository(NpgsqlDataSource dataSource) : IXmlRepository
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
    public const string PreviousCertificatesSetting = "DataProtection:PreviousCertificates";

    /// <summary>
    /// Data Protection for a portal of many nodes: one application name, the key ring in PostgreSQL, and the keys
    /// encrypted at rest with the certificate at <c>DataProtection:CertificatePath</c> (a PKCS#12 file, password in
    /// <c>DataProtection:CertificatePassword</c>). The keys protect the session, antiforgery and pending sign-in
    /// cookies: whoever reads them from a database copy or backup can forge any of those. So outside Development the
    /// host refuses to start without the certificate, unless <c>DataProtection:AllowUnencryptedKeys=true</c> says on
    /// purpose that the keys may be kept readable (then a warning is logged at every start, and ASP.NET warns too).
    /// A setting that cannot be used stops the host with one line naming it.
    /// <para>
    /// Rotation: a key is encrypted once, with the certificate of its day, and never again; and no key is ever deleted
    /// (<see cref="PostgresKeyRepository"/> cannot delete), because an expired key (90 days) still reads what it protected,
    /// and the authenticator-app secrets are protected for as long as the person keeps the app. So the certificates a
    /// deployment used before stay listed in <c>DataProtection:PreviousCertificates</c> (<c>:0:Path</c>,
    /// <c>:0:Password</c>, ...: PKCS#12 files, as the current one) for as long as keys they encrypted are in the ring,
    /// which is for good. At start, every key of the ring must decrypt (<see cref="KeyRingCheck"/>): a rotated certificate
    /// whose predecessor is not listed stops the host with one line naming the certificate the keys need, instead of
    /// running on a new key while every secret protected before became unreadable.
    /// </para>
    /// </summary>
    public static IServiceCollection AddPortalDataProtection(this IServiceCollection services, IConfiguration configuration,
        IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var builder = services.AddDataProtection().SetApplicationName("ServicePortal");
        services.AddOptions<KeyManagementOptions>()
            .Configure<NpgsqlDataSource>((options, dataSource) => options.XmlRepository = new PostgresKeyRepository(dataSource));

        // First of all hosted services: Data Protection's own one reads the ring at start and, finding no usable key,
        // would make a new one before this check could stop the host.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, KeyRingCheck>());
        var previous = configuration.GetSection(PreviousCertificatesSetting).GetChildren()
            .Select(c => LoadCertificate($"{PreviousCertificatesSetting}:{c.Key}:Path", c["Path"], $"{PreviousCertificatesSetting}:{c.Key}:Password", c["Password"]))
            .ToArray();
        if (previous.Length > 0)
        {
            builder.UnprotectKeysWithAnyCertificate(previous);
        }

        var certificatePath = configuration[CertificatePathSetting];
        if (!string.IsNullOrWhiteSpace(certificatePath))
        {
            builder.ProtectKeysWithCertificate(LoadCertificate(CertificatePathSetting, certificatePath, CertificatePasswordSetting,
                configuration[CertificatePasswordSetting]));
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

    private static X509Certificate2 LoadCertificate(string pathSetting, string? path, string passwordSetting, string? password)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new PortalStartupException($"{pathSetting}: the path of a PKCS#12 certificate is required.");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new PortalStartupException(
                $"{pathSetting}: cannot read the certificate at '{path}' ({e.Message.TrimEnd('.')}); check the file and {passwordSetting}.", e);
        }

        if (!certificate.HasPrivateKey)
        {
            throw new PortalStartupException($"{pathSetting}: the certificate at '{path}' has no private key, so the keys could not be read back.");
        }

        return certificate;
    }

    /// <summary>
    /// Every key of the ring decrypts, or the host does not start. Data Protection itself only logs a key it cannot
    /// decrypt, makes a new one and carries on: cookies and antiforgery tokens fail quietly, and every authenticator-app
    /// secret protected with the old keys is lost (each sign-in with the app then looks like a wrong code). Runs as the
    /// host starts, once the database is migrated; an empty ring (a new deployment) passes.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Any failure to read a key is that key unreadable.")]
    internal sealed class KeyRingCheck(IKeyManager keys, NpgsqlDataSource dataSource) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var unreadable = new List<Guid>();
            foreach (var key in keys.GetAllKeys())
            {
                try
                {
                    _ = key.Descriptor;
                }
                catch (Exception)
                {
                    unreadable.Add(key.KeyId);
                }
            }

            if (unreadable.Count == 0)
            {
                return Task.CompletedTask;
            }

            var certificates = CertificatesOf(unreadable);
            throw new PortalStartupException(
                $"the Data Protection key ring holds {unreadable.Count} key(s) this host cannot decrypt ({string.Join(", ", unreadable.Take(3))}" +
                $"{(unreadable.Count > 3 ? ", ..." : "")}), encrypted with the certificate(s) {(certificates.Length == 0 ? "unknown" : string.Join(", ", certificates))}. " +
                "They protect the authenticator-app secrets, sessions and antiforgery tokens: running on a new key would make all of them unreadable. " +
                $"List that certificate in {PreviousCertificatesSetting} (:0:Path and :0:Password, as {CertificatePathSetting}) and start again.");
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        /// <summary>The certificates the keys say they were encrypted with (subject and thumbprint), from the stored XML.</summary>
        private string[] CertificatesOf(List<Guid> keyIds)
        {
            var found = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var element in new PostgresKeyRepository(dataSource).GetAllElements())
            {
                if (!Guid.TryParse((string?)element.Attribute("id"), out var id) || !keyIds.Contains(id))
                {
                    continue;
                }

                foreach (var data in element.Descendants().Where(e => e.Name.LocalName == "X509Certificate"))
                {
                    try
                    {
                        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(data.Value.Trim()));
                        found.Add($"{certificate.Subject} (thumbprint {certificate.Thumbprint})");
                    }
                    catch (Exception)
                    {
                        // not a certificate after all: the message says "unknown" if none is
                    }
                }
            }

            return [.. found];
        }
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
