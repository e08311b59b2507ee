using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ServicePortal.Testing;

/// <summary>
/// The certificate that encrypts the Data Protection key ring in tests, made once per test process (a self-signed
/// RSA certificate in a PKCS#12 file in the temporary folder, removed when the process ends), so the tests run the
/// encrypted path production runs (outside Development the host refuses to start without one). Hosts started as
/// processes get the same file, so a test's in-process and out-of-process portals read each other's keys.
/// </summary>
public static class TestCertificate
{
    public const string Password = "test-only-data-protection";

    private static readonly Lazy<string> File = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The PKCS#12 file (password <see cref="Password"/>).</summary>
    public static string Path => File.Value;

    /// <summary>
    /// Another certificate, as a deployment would rotate to (same subject, new key): its PKCS#12 file and password,
    /// removed when the process ends.
    /// </summary>
    public static (string Path, string Password) CreateAnother(string name) => (Create(name), Password);

    private static string Create() => Create("dp");

    private static string Create(string name)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=ServicePortal test data protection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"serviceportal-test-{name}-{Environment.ProcessId}-{Guid.NewGuid():N}.pfx");
        System.IO.File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, Password));
        if (!OperatingSystem.IsWindows())
        {
            System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => System.IO.File.Delete(path);
        return path;
    }
}
