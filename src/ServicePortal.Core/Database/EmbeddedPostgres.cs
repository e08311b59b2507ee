using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using ServicePortal.Core.Hosting;

namespace ServicePortal.Core.Database;

/// <summary>
/// A private PostgreSQL cluster run from the machine's server programs, for trying the portal on one
/// machine and for the test suite. It listens on 127.0.0.1 only, on a free port, with no Unix socket and a
/// generated superuser password (kept beside the data, readable by the owner only). A crash of the host
/// leaves a server running or a stale lock behind; both are recovered at the next start.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root. When the portal runs as root (containers, CI), the server programs
/// run as the unprivileged <c>postgres</c> account that the PostgreSQL packages create.
/// </remarks>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private const string Superuser = "portal";
    private readonly EmbeddedPostgresOptions _options;
    private readonly PostgresBinaries _binaries;
    private readonly ILogger _logger;
    private readonly string? _runAs;
    private int _stopped;

    private EmbeddedPostgres(EmbeddedPostgresOptions options, PostgresBinaries binaries, ILogger logger, string? runAs)
    {
        _options = options;
        _binaries = binaries;
        _logger = logger;
        _runAs = runAs;
    }

    public string RootDirectory => _options.RootDirectory;
    public string DataDirectory => Path.Combine(_options.RootDirectory, "data");
    private string PasswordFile => Path.Combine(_options.RootDirectory, "superuser-password");
    private string OwnerFile => Path.Combine(_options.RootDirectory, "owner.pid");
    private string LogFile => Path.Combine(DataDirectory, "server.log");

    public int Port { get; private set; }
    private string Password { get; set; } = "";

    /// <summary>A connection string for one database of this cluster.</summary>
    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Password = Password,
        Database = database,
    }.ConnectionString;

    public static async Task<EmbeddedPostgres> StartAsync(
        EmbeddedPostgresOptions options, ILogger logger, CancellationToken cancellationToken = default)
    {
        var binaries = PostgresBinaries.Find(options.BinDirectory);
        var runAs = Environment.UserName == "root" ? UnprivilegedAccount() : null;
        var server = new EmbeddedPostgres(options, binaries, logger, runAs);
        await server.StartAsync(cancellationToken);
        return server;
    }

    private static string UnprivilegedAccount()
    {
        if (!File.ReadLines("/etc/passwd").Any(line => line.StartsWith("postgres:", StringComparison.Ordinal)))
        {
            throw new PortalStartupException(
                "The portal runs as root and PostgreSQL refuses to: create the 'postgres' account " +
                "(the postgresql package does) or run the portal as a normal user.");
        }

        return "postgres";
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(RootDirectory);
        await ClaimOwnershipAsync(cancellationToken);

        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            await InitialiseAsync(cancellationToken);
        }
        else if (!File.Exists(PasswordFile))
        {
            throw new PortalStartupException(
                $"The embedded PostgreSQL data in '{RootDirectory}' has no password file; it is damaged. " +
                "Delete that folder to start again with empty data.");
        }

        Password = (await File.ReadAllTextAsync(PasswordFile, cancellationToken)).Trim();
        await RecoverFromCrashAsync(cancellationToken);

        // A free port can be taken between our probe and the server's bind: try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreeLoopbackPort();
            var settings = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' ")
                .Append("-c max_connections=200 ");
            if (_options.Ephemeral)
            {
                // Throw-away test data: durability is not worth the disk flushes.
                settings.Append("-c fsync=off -c synchronous_commit=off -c full_page_writes=off ");
            }

            var result = await RunAsync(_binaries.PgCtl,
                ["start", "-D", DataDirectory, "-w", "-t", "60", "-l", LogFile, "-o", settings.ToString()],
                cancellationToken);
            if (result.ExitCode == 0)
            {
                break;
            }

            var log = TailOfLog();
            if (attempt < 3 && log.Contains("could not bind", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            throw new PortalStartupException(
                $"The embedded PostgreSQL in '{DataDirectory}' did not start: {Squash(result.Output)} {Squash(log)}");
        }

        _logger.LogInformation("Embedded PostgreSQL started on 127.0.0.1:{Port} with data in {DataDirectory}",
            Port, DataDirectory);
    }

    /// <summary>Creates the database if it does not exist yet.</summary>
    public async Task EnsureDatabaseAsync(string database, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new NpgsqlParameter { Value = database });
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            // Identifiers cannot be parameters; the name is quoted and comes from configuration, not users.
            await using var create = new NpgsqlCommand(
                $"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            var result = await RunAsync(_binaries.PgCtl, ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "30"],
                CancellationToken.None);
            if (result.ExitCode != 0)
            {
                _logger.LogWarning("Stopping the embedded PostgreSQL said: {Output}", Squash(result.Output));
            }
            else
            {
                _logger.LogInformation("Embedded PostgreSQL stopped");
            }
        }

        if (_options.Ephemeral)
        {
            TryDelete(RootDirectory);
        }
        else
        {
            File.Delete(OwnerFile);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>
    /// One process at a time may own the data folder. A folder whose owner has died is taken over; one whose
    /// owner still runs is refused, rather than stopping another portal's database from under it.
    /// </summary>
    private async Task ClaimOwnershipAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(OwnerFile) &&
            int.TryParse(await File.ReadAllTextAsync(OwnerFile, cancellationToken), out var owner) &&
            owner != Environment.ProcessId && IsRunning(owner))
        {
            throw new PortalStartupException(
                $"Another portal (process {owner}) is already using the embedded PostgreSQL in '{RootDirectory}'. " +
                "Stop it first, or give this one its own folder with Database:EmbeddedDirectory.");
        }

        await File.WriteAllTextAsync(OwnerFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            cancellationToken);
    }

    /// <summary>A server left running by a host that was killed is stopped; a stale lock file is removed.</summary>
    private async Task RecoverFromCrashAsync(CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }

        var firstLine = File.ReadLines(pidFile).FirstOrDefault();
        if (int.TryParse(firstLine, out var pid) && IsRunning(pid) && IsPostgres(pid))
        {
            _logger.LogWarning("Stopping a PostgreSQL server (process {Pid}) left running by a previous run", pid);
            await RunAsync(_binaries.PgCtl, ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "30"],
                cancellationToken);
        }
        else
        {
            _logger.LogWarning("Removing a stale PostgreSQL lock file left by a previous run");
            File.Delete(pidFile);
        }
    }

    private async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("Creating an embedded PostgreSQL cluster in {DataDirectory}", DataDirectory);
        TryDelete(DataDirectory);
        Directory.CreateDirectory(DataDirectory);

        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        await File.WriteAllTextAsync(PasswordFile, password, cancellationToken);
        OwnerOnly(PasswordFile);

        // initdb reads the password from a file; this one lives only for the call, inside the new data folder.
        var initPasswordFile = Path.Combine(DataDirectory, "..", $"initdb-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(initPasswordFile, password, cancellationToken);
        OwnerOnly(initPasswordFile);
        try
        {
            if (_runAs is not null)
            {
                await RunCheckedAsync("chown", [$"{_runAs}:", DataDirectory, initPasswordFile], asServer: false,
                    cancellationToken);
            }

            OwnerOnly(DataDirectory, directory: true);
            await RunCheckedAsync(_binaries.InitDb,
                ["-D", DataDirectory, "-U", Superuser, $"--pwfile={initPasswordFile}", "--auth=scram-sha-256",
                 "--encoding=UTF8", "--no-locale", "--no-instructions"],
                asServer: true, cancellationToken);
        }
        finally
        {
            File.Delete(initPasswordFile);
        }
    }

    private async Task RunCheckedAsync(string program, string[] arguments, bool asServer, CancellationToken cancellationToken)
    {
        var result = asServer
            ? await RunAsync(program, arguments, cancellationToken)
            : await RunProcessAsync(program, arguments, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new PortalStartupException(
                $"Preparing the embedded PostgreSQL failed ({Path.GetFileName(program)}): {Squash(result.Output)}");
        }
    }

    /// <summary>Runs a PostgreSQL program, as the unprivileged account when the portal runs as root.</summary>
    private Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, CancellationToken cancellationToken) =>
        _runAs is null
            ? RunProcessAsync(program, arguments, cancellationToken)
            : RunProcessAsync("runuser", ["-u", _runAs, "--", program, .. arguments], cancellationToken);

    private static async Task<(int ExitCode, string Output)> RunProcessAsync(
        string program, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            // The server's messages are read by the code above; keep them in English whatever the machine says.
            Environment = { ["LC_MESSAGES"] = "C", ["LANG"] = "C.UTF-8" },
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)
            ?? throw new PortalStartupException($"Could not start '{program}'.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    private string TailOfLog()
    {
        try
        {
            var lines = File.ReadAllLines(LogFile);
            return string.Join(' ', lines.TakeLast(5));
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static void OwnerOnly(string path, bool directory = false)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.SetUnixFileMode(path, directory ? mode | UnixFileMode.UserExecute : mode);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}");

    private static bool IsPostgres(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("postgres", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Squash(string text) =>
        string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

/// <param name="RootDirectory">Holds the data folder and the generated superuser password.</param>
/// <param name="Ephemeral">Test data: no disk flushes, and the folder is removed when the server stops.</param>
/// <param name="BinDirectory">Where initdb and pg_ctl are; found on the machine when not given.</param>
public sealed record EmbeddedPostgresOptions(string RootDirectory, bool Ephemeral = false, string? BinDirectory = null);
