using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ServicePortal.Host.Tests;

/// <summary>
/// What an operator sees when the portal cannot start: one clear line that names the setting, a non-zero exit
/// code, and never a stack trace. These run the built host as its own process.
/// </summary>
public sealed class StartupFailureTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_malformed_connection_string_is_named_and_stops_the_host()
    {
        var result = await HostProcess.RunAsync("ServicePortal.Host", [],
            new Dictionary<string, string> { ["ConnectionStrings__Portal"] = "Host=127.0.0.1;Port=not-a-port" }, Timeout);

        AssertOneClearLine(result, "ConnectionStrings:Portal is not a valid PostgreSQL connection string");
    }

    [Fact]
    public async Task An_unreachable_database_is_named_and_stops_the_host()
    {
        var port = HostProcess.FreePort();
        var result = await HostProcess.RunAsync("ServicePortal.Host", [],
            new Dictionary<string, string>
            {
                ["ConnectionStrings__Portal"] = $"Host=127.0.0.1;Port={port};Username=portal;Password=x;Database=portal;Timeout=5",
            }, Timeout);

        AssertOneClearLine(result, $"Cannot use the PostgreSQL server at 127.0.0.1:{port}");
        Assert.Contains("ConnectionStrings:Portal", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Password=x", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_PostgreSQL_programs_say_what_to_install_and_the_alternatives()
    {
        var folder = Path.Combine(Path.GetTempPath(), "serviceportal-nopg-" + Guid.NewGuid().ToString("N"));
        try
        {
            var result = await HostProcess.RunAsync("ServicePortal.Host", [],
                new Dictionary<string, string>
                {
                    ["PORTAL_PG_BIN"] = "/nonexistent/bin",
                    ["Database__EmbeddedDirectory"] = folder,
                }, Timeout);

            AssertOneClearLine(result, "apt-get install -y postgresql");
            Assert.Contains("docker compose up", result.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_port_already_in_use_is_named()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var occupier = new TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        var port = ((IPEndPoint)occupier.LocalEndpoint).Port;

        var result = await HostProcess.RunAsync("ServicePortal.Host", ["--urls", $"http://127.0.0.1:{port}"],
            new Dictionary<string, string> { ["ConnectionStrings__Portal"] = database.ConnectionString }, Timeout);

        AssertOneClearLine(result, $"127.0.0.1:{port}");
        Assert.Contains("PORTAL_URLS", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_setting_is_rejected_at_start_up()
    {
        await using var database = await TestDatabase.CreateAsync();

        var result = await HostProcess.RunAsync("ServicePortal.Host", [],
            new Dictionary<string, string>
            {
                ["ConnectionStrings__Portal"] = database.ConnectionString,
                ["Database__MigrateOnStart"] = "sometimes",
            }, Timeout);

        AssertOneClearLine(result, "Database:MigrateOnStart");
    }

    [Fact]
    public async Task Migrate_applies_every_migration_and_exits()
    {
        await using var database = await TestDatabase.CreateEmptyAsync();

        var result = await HostProcess.RunAsync("ServicePortal.Host", ["migrate"],
            new Dictionary<string, string> { ["ConnectionStrings__Portal"] = database.ConnectionString }, Timeout);

        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        await using var dataSource = database.CreateDataSource();
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM portal.schema_migrations");
        var applied = (long)(await command.ExecuteScalarAsync())!;
        Assert.Equal(new Core.Database.Migrations(TestDatabase.MigrationAssemblies).Scripts.Count, applied);
    }

    private static Dictionary<string, string> UnreachableDatabase(params (string Name, string Value)[] settings)
    {
        // The settings are checked before the database is: an unreachable one shows which comes first.
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Portal"] = $"Host=127.0.0.1;Port={HostProcess.FreePort()};Username=portal;Password=x;Database=portal;Timeout=5",
        };
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        return environment;
    }

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("portal.example.go.tz;*")]
    public async Task Outside_Development_AllowedHosts_must_name_the_portal_s_host_names(string allowedHosts)
    {
        var result = await HostProcess.RunAsync("ServicePortal.Host", [], UnreachableDatabase(("AllowedHosts", allowedHosts)), Timeout);

        AssertOneClearLine(result, "AllowedHosts");
    }

    [Fact]
    public async Task ASP_NET_s_trust_every_proxy_switch_is_refused_in_favour_of_naming_the_proxies()
    {
        var result = await HostProcess.RunAsync("ServicePortal.Host", [],
            UnreachableDatabase(("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "true")), Timeout);

        AssertOneClearLine(result, "ASPNETCORE_FORWARDEDHEADERS_ENABLED");
        Assert.Contains("Web__TrustedProxies", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_retired_switch_that_opened_every_private_agency_destination_is_named_with_its_replacement()
    {
        var result = await HostProcess.RunAsync("ServicePortal.Host", [],
            UnreachableDatabase(("Gateway__AllowPrivateDestinations", "true")), Timeout);

        AssertOneClearLine(result, "Gateway:AllowPrivateDestinations is no longer read");
        Assert.Contains("Gateway:AllowedPrivateDestinations=", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("demo-agencies")] // no port: every port of the name would be open
    [InlineData("http://demo-agencies:5101/")]
    [InlineData("demo-agencies:5101;10.0.0.0/8")]
    public async Task A_private_agency_destination_that_is_not_host_and_port_is_named(string listed)
    {
        var result = await HostProcess.RunAsync("ServicePortal.Host", [],
            UnreachableDatabase(("Gateway__AllowedPrivateDestinations", listed)), Timeout);

        AssertOneClearLine(result, "Gateway:AllowedPrivateDestinations: '");
    }

    [Fact]
    public async Task Outside_Development_the_issuer_must_be_set()
    {
        var result = await HostProcess.RunAsync("ServicePortal.Host", [], UnreachableDatabase(("Identity__Issuer", "")), Timeout);

        AssertOneClearLine(result, "Identity:Issuer");
    }

    [Fact]
    public async Task Outside_Development_the_key_ring_needs_a_certificate_or_an_explicit_opt_out()
    {
        var result = await HostProcess.RunAsync("ServicePortal.Host", [], UnreachableDatabase(("DataProtection__CertificatePath", "")), Timeout);

        AssertOneClearLine(result, "DataProtection:CertificatePath");
        Assert.Contains("DataProtection:AllowUnencryptedKeys", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_ring_certificate_that_cannot_be_read_is_named()
    {
        var result = await HostProcess.RunAsync("ServicePortal.Host", [],
            UnreachableDatabase(("DataProtection__CertificatePath", "/nonexistent/dataprotection.pfx")), Timeout);

        AssertOneClearLine(result, "DataProtection:CertificatePath");
    }

    [Fact]
    public async Task The_opt_out_of_encrypted_keys_is_a_warning_at_every_start()
    {
        await using var database = await TestDatabase.CreateAsync();
        var port = HostProcess.FreePort();
        using var portal = HostProcess.StartAsync("ServicePortal.Host", [], new Dictionary<string, string>
        {
            ["ConnectionStrings__Portal"] = database.ConnectionString,
            ["PORTAL_URLS"] = $"http://127.0.0.1:{port}",
            ["DataProtection__CertificatePath"] = "",
            ["DataProtection__AllowUnencryptedKeys"] = "true",
        });
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        HttpStatusCode? ready = null;
        for (var i = 0; i < 300 && ready != HttpStatusCode.OK; i++)
        {
            try
            {
                ready = (await client.GetAsync("/health/ready")).StatusCode;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(ready == HttpStatusCode.OK ? 0 : 200);
        }

        var result = await portal.StopAsync();

        Assert.Equal(HttpStatusCode.OK, ready);
        var warning = result.StandardOutput.Split('\n').SingleOrDefault(l => l.Contains("DataProtection:AllowUnencryptedKeys", StringComparison.Ordinal));
        Assert.True(warning is not null, result.StandardOutput);
        Assert.Contains("\"LogLevel\":\"Warning\"", warning, StringComparison.Ordinal);
    }

    private static void AssertOneClearLine(HostProcess.Result result, string expected)
    {
        Assert.True(result.ExitCode != 0, "the host should have stopped with a non-zero exit code");
        Assert.Contains(expected, result.StandardError, StringComparison.Ordinal);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("ServicePortal cannot start: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }
}
