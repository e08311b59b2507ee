using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using ServicePortal.Core.Messaging;
using Xunit;

namespace ServicePortal.Testing;

/// <summary>
/// The real portal host on a database of its own (cloned from the migrated template). Use it as a class
/// fixture. <see cref="Environment"/> defaults to Production, so tests see what citizens see; a test of a
/// Development convenience says so. <see cref="StartKestrel"/> serves it on a real loopback port for the
/// browser tests.
/// </summary>
/// <remarks>
/// Production needs what a deployment sets (the host refuses to start without it), so the factory sets it as one
/// would: <c>AllowedHosts</c> the names tests use (localhost, 127.0.0.1, [::1]); <c>Identity:Issuer</c>
/// <c>https://localhost/</c> (the test server's address; on Kestrel, the address it listens on); and the key ring
/// encrypted with <see cref="TestCertificate"/>, so tests run the encrypted path. Clients are HTTPS by default
/// (every cookie is Secure outside Development, and a client sends those back over HTTPS only).
/// </remarks>
public class PortalFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AllowedHosts = "localhost;127.0.0.1;[::1]";
    public const string TestServerIssuer = "https://localhost/";

    private TestDatabase? _database;
    private readonly Dictionary<string, string?> _settings = new(StringComparer.Ordinal);
    private string _issuer = TestServerIssuer;

    public PortalFactory() => ClientOptions.BaseAddress = new Uri("https://localhost");

    public virtual string Environment => "Production";

    /// <summary>Set once <see cref="StartKestrel"/> has run: the address the portal listens on.</summary>
    public Uri? ServerAddress { get; set; }

    public TestDatabase Database => _database ?? throw new InvalidOperationException("The factory is not initialised.");

    /// <summary>The host's latest log lines, for a failing test to show what the server did.</summary>
    public TestLogs Logs { get; } = new();

    /// <summary>
    /// Agencies may be reached at any private address and port, over plain http (true by default: the tests start their
    /// agencies on ports chosen at run time). False for a test of the production rule or of the configured list.
    /// </summary>
    public bool LoopbackAgencies { get; set; } = true;

    /// <summary>Sets a configuration value before the host is built.</summary>
    public PortalFactory With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    public virtual async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    /// <summary>Starts the portal on Kestrel at a free loopback port and returns its address.</summary>
    /// <remarks>
    /// The port is chosen before the host is built, because the issuer (the address clients and agencies see) is
    /// part of its configuration.
    /// </remarks>
    /// <param name="port">A port chosen beforehand (a test that must name the portal's origin in its configuration); else a free one.</param>
    public Uri StartKestrel(int? port = null)
    {
        port ??= HostProcess.FreePort();
        _issuer = $"http://127.0.0.1:{port}/";
        UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, port.Value));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment(Environment);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        // Every line is kept in Logs (a failure message quotes them); the console, which the test runner reads through a
        // pipe for ~75 hosts a run, gets warnings and errors only: formatting JSON for every request is CPU the suite lacks.
        builder.UseSetting("Logging:Console:LogLevel:Default", "Warning");
        builder.UseSetting("ConnectionStrings:Portal", Database.ConnectionString);
        // Nothing listens there: a test that needs the registry starts the demo one and says where it is.
        builder.UseSetting("Identity:RegistryUrl", "http://127.0.0.1:9/");
        builder.UseSetting("AllowedHosts", AllowedHosts);
        builder.UseSetting("Identity:Issuer", _issuer);
        builder.UseSetting("DataProtection:CertificatePath", TestCertificate.Path);
        builder.UseSetting("DataProtection:CertificatePassword", TestCertificate.Password);
        // Background jobs (Hangfire's server and its recurring sync) cost CPU in every host of the suite; a test that
        // needs them says so with With("Requests:RunJobs", "true").
        builder.UseSetting("Requests:RunJobs", "false");
        // Every test browser comes from 127.0.0.1, one "network": a class signing in many people in a minute would meet
        // the per-network limit on identity form posts (60 a minute). The tests of that limit set their own.
        builder.UseSetting("Identity:AttemptsPerAddressPerMinute", "1000");
        // The agencies of the tests are real services on loopback ports chosen at run time, over plain http, and the
        // onboarding tests propose private addresses: allowed by a rule a configuration cannot express
        // (Gateway:AllowedPrivateDestinations names host:port). A test of the production rule or of the list turns it off.
        if (LoopbackAgencies)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(
                ServicePortal.Core.Security.AgencyDestinations.AllowingPrivate((_, _) => true)));
        }
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (!HashPasswordsAtFullCost)
        {
            // PBKDF2 at the production cost is deliberately slow (docs/benchmarks.md); hundreds of sign-ins in the
            // suite would spend minutes of CPU on it. The hash format records its own iteration count, so this changes
            // nothing else. A test about hashing itself sets HashPasswordsAtFullCost.
            builder.ConfigureTestServices(services => services.AddSingleton(new ServicePortal.Identity.Accounts.PasswordHashing(
                Microsoft.Extensions.Options.Options.Create(new ServicePortal.Identity.IdentityOptions { PasswordHashIterations = TestHashIterations }))));
        }
    }

    /// <summary>The PBKDF2 iterations of passwords hashed in tests (the production default is 210,000).</summary>
    public const int TestHashIterations = 1_000;

    /// <summary>Hash passwords at the configured (production) cost: for tests of the hashing itself.</summary>
    public bool HashPasswordsAtFullCost { get; set; }

    /// <summary>An account created directly, as registration would leave it; returns its NIN and phone.</summary>
    public async Task<(string Nin, string Phone)> CreateAccountAsync(string password = "Mti-Mrefu-Wa-Mwembe", string language = "sw")
    {
        var digits = string.Concat(Enumerable.Range(0, 12).Select(_ => Random.Shared.Next(10)));
        var nin = "19880214" + digits;
        var phone = "+2557" + string.Concat(Enumerable.Range(0, 8).Select(_ => Random.Shared.Next(10)));
        var hash = Services.GetRequiredService<ServicePortal.Identity.Accounts.PasswordHashing>().Hash(password);
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.ExecuteAsync(
            """
            INSERT INTO identity.accounts (nin, first_name, last_name, date_of_birth, phone, password_hash, language)
            VALUES (@nin, 'Rehema', 'Mollel', DATE '1988-02-14', @phone, @hash, @language)
            """, new { nin, phone, hash, language });
        return (nin, phone);
    }

    /// <summary>
    /// The newest 6-digit code texted to this phone, read from the outbox as the SMS gateway would, before it is
    /// sent: outside Development no sender is configured in tests, so it stays there as written. Once sent, the
    /// outbox keeps the message with its code masked; in Development the development sender keeps the sent text in
    /// memory (what /dev/messages shows), and the code is read from there.
    /// </summary>
    public async Task<string> LatestCodeAsync(string phone)
    {
        await using var dataSource = Database.CreateDataSource();
        var message = Assert.Single(await Outbox.ListRecentAsync(dataSource, 1, phone, CancellationToken.None));
        var body = message.SentAt is null
            ? message.Body
            : Services.GetService<DevelopmentMessageBox>()?.Find(message.MessageId)?.Body ?? message.Body;
        var code = System.Text.RegularExpressions.Regex.Match(body, @"\b(\d{6})\b").Groups[1].Value;
        Assert.True(code.Length == 6, $"No code in the newest message to {phone}: {body}");
        return code;
    }

    /// <summary>
    /// The code the sign-in's second step wants now, after the password was given: for an account with staff roles
    /// (which an SMS code does not give a staff session, issue 12) the authenticator app's current code, the account
    /// first given an app as the seeded demo staff have one; for anyone else the newest SMS code
    /// (<see cref="LatestCodeAsync"/>). The app's last used time step is forgotten first, so a test may sign the same
    /// person in twice within 30 seconds (the replay guard has tests of its own).
    /// </summary>
    public async Task<string> SignInCodeAsync(string phone)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        var staff = await connection.QuerySingleOrDefaultAsync<(Guid Id, string? Secret)?>(
            """
            SELECT a.id, a.totp_secret FROM identity.accounts a
            WHERE a.phone = @phone AND EXISTS (SELECT 1 FROM identity.account_roles r WHERE r.account_id = a.id)
            ORDER BY a.created_at DESC LIMIT 1
            """, new { phone });
        if (staff is not { } account)
        {
            return await LatestCodeAsync(phone);
        }

        var protector = Microsoft.AspNetCore.DataProtection.DataProtectionCommonExtensions.CreateProtector(
            Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(), "ServicePortal.Identity.Totp.v1");
        string secret;
        if (account.Secret is null)
        {
            secret = OtpNet.Base32Encoding.ToString(OtpNet.KeyGeneration.GenerateRandomKey(20));
            await connection.ExecuteAsync(
                "UPDATE identity.accounts SET second_factor = 'totp', totp_secret = @secret, totp_last_step = NULL WHERE id = @id",
                new { id = account.Id, secret = Microsoft.AspNetCore.DataProtection.DataProtectionCommonExtensions.Protect(protector, secret) });
        }
        else
        {
            secret = Microsoft.AspNetCore.DataProtection.DataProtectionCommonExtensions.Unprotect(protector, account.Secret);
            await connection.ExecuteAsync("UPDATE identity.accounts SET totp_last_step = NULL WHERE id = @id", new { id = account.Id });
        }

        return new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow);
    }

    public async Task<long> CountAsync(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        return await connection.ExecuteScalarAsync<long>(sql, parameters);
    }

    /// <summary>One value from the test's database (counts, a status, a flag).</summary>
    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    /// <summary>Rows from the test's database.</summary>
    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        return [.. await connection.QueryAsync<T>(sql, parameters)];
    }

    /// <summary>A statement on the test's database (arranging data the way another node or an agency would).</summary>
    public async Task ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>
    /// Signs <paramref name="browser"/> in with NIN, password and the second factor (the substantial level): the SMS
    /// code, or for a staff account the authenticator app's code (<see cref="SignInCodeAsync"/>).
    /// </summary>
    public async Task SignInAsync(FormClient browser, string nin, string phone, string password = "Mti-Mrefu-Wa-Mwembe")
    {
        ArgumentNullException.ThrowIfNull(browser);
        await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = password });
        var done = await browser.SubmitAsync("/account/sign-in/code",
            new Dictionary<string, string?> { ["Code"] = await SignInCodeAsync(phone) });
        Assert.Equal(System.Net.HttpStatusCode.Redirect, done.StatusCode);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync(); // virtual: a subclass stops what it started, then the host stops
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>The portal as a developer runs it: Development conveniences on.</summary>
public class DevelopmentPortalFactory : PortalFactory
{
    public override string Environment => "Development";
}
