using System.Diagnostics;

namespace ServicePortal.Testing;

/// <summary>
/// Runs a built program of this source tree (the portal host, the demo agencies) as its own process, the
/// way an operator starts it, for tests of start-up and shutdown behaviour.
/// </summary>
public static class HostProcess
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>A loopback port free now, for a program started on it (the system picks it, then it is released).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The built assembly of a project under <c>src/</c>, in the same configuration as the tests.</summary>
    public static string AssemblyOf(string project)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/{Debug}/net10.0/
        var path = Path.Combine(SourceTree.Root, "src", project, "bin", configuration, "net10.0", project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {project} first.", path);
    }

    /// <summary>How long a program run to its end may take before the test says it never ended (a loaded 2-core CI machine).</summary>
    public static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(90);

    /// <remarks>
    /// Returns as soon as the program exits; <paramref name="timeout"/> (default <see cref="ExitBound"/>) only bounds a
    /// program that never does, so a broken one fails the test instead of holding the run. It is not a wait.
    /// </remarks>
    public static async Task<Result> RunAsync(string project, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment, TimeSpan? timeout = null)
    {
        timeout ??= ExitBound;
        using var process = Process.Start(StartInfo(project, arguments, environment))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout.Value);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{project} did not exit within {timeout}: {await stdout}{await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a program and leaves it running; <see cref="Running.StopAsync"/> presses Ctrl+C.</summary>
    public static Running StartAsync(string project, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment) =>
        new(Process.Start(StartInfo(project, arguments, environment))!);

    public sealed class Running : IDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _stdout;
        private readonly Task<string> _stderr;

        internal Running(Process process)
        {
            _process = process;
            _stdout = process.StandardOutput.ReadToEndAsync();
            _stderr = process.StandardError.ReadToEndAsync();
        }

        public int Id => _process.Id;

        /// <summary>Sends SIGINT (what Ctrl+C sends) and waits for the program to end by itself.</summary>
        public async Task<Result> StopAsync(TimeSpan? timeout = null)
        {
            if (!_process.HasExited)
            {
                using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
            }

            using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                throw new TimeoutException($"The process did not stop after Ctrl+C: {await _stdout}{await _stderr}");
            }

            return new Result(_process.ExitCode, await _stdout, await _stderr);
        }

        /// <summary>Ends the program at once (SIGKILL), as a crash or a power cut would: none of its shutdown code runs.</summary>
        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }
    }

    /// <summary>The address the portal will listen on (--urls, then PORTAL_URLS, then its default), as its issuer.</summary>
    private static string IssuerOf(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var list = arguments.ToList();
        var urls = list.IndexOf("--urls") is var i and >= 0 && i + 1 < list.Count ? list[i + 1]
            : environment.TryGetValue("PORTAL_URLS", out var portalUrls) && portalUrls.Length > 0 ? portalUrls
            : "http://localhost:5000";
        return urls.Split(';')[0].TrimEnd('/') + "/";
    }

    private static ProcessStartInfo StartInfo(string project, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(AssemblyOf(project))!,
        };
        start.ArgumentList.Add(AssemblyOf(project));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Start from the test run's environment, without settings that would point the host elsewhere.
        foreach (var name in new[] { "ConnectionStrings__Portal", "ASPNETCORE_URLS", "PORTAL_URLS", "ASPNETCORE_ENVIRONMENT" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Identity__RegistryUrl"] = "http://127.0.0.1:9/";
        if (project == "ServicePortal.Host")
        {
            // What a deployment sets outside Development (the host refuses to start without it); a test may
            // override each, or set it empty to leave it out.
            start.Environment["AllowedHosts"] = PortalFactory.AllowedHosts;
            start.Environment["Identity__Issuer"] = IssuerOf(arguments, environment);
            start.Environment["DataProtection__CertificatePath"] = TestCertificate.Path;
            start.Environment["DataProtection__CertificatePassword"] = TestCertificate.Password;
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }
}
