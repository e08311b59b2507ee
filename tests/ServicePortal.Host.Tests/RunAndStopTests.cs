using System.Net;

namespace ServicePortal.Host.Tests;

/// <summary>The portal as `./build.sh run` starts it: embedded PostgreSQL, then Ctrl+C.</summary>
public sealed class RunAndStopTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "serviceportal-run-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Starts_with_an_embedded_database_and_Ctrl_C_leaves_no_PostgreSQL_behind()
    {
        var port = HostProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["Database__EmbeddedDirectory"] = _data,
            ["PORTAL_URLS"] = $"http://127.0.0.1:{port}",
        };

        using (var portal = HostProcess.StartAsync("ServicePortal.Host", [], environment))
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var ready = await ReadyAsync(client);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            var home = await client.GetStringAsync("/");
            Assert.Contains("<html lang=\"sw\">", home, StringComparison.Ordinal);
            var postmaster = int.Parse(File.ReadLines(Path.Combine(_data, "data", "postmaster.pid")).First(),
                System.Globalization.CultureInfo.InvariantCulture);

            var result = await portal.StopAsync();

            Assert.Equal(0, result.ExitCode);
            Assert.True(await Processes.ExitsSoonAsync(postmaster), "PostgreSQL is still running after Ctrl+C");
            Assert.False(File.Exists(Path.Combine(_data, "data", "postmaster.pid")));
        }

        // A second run reuses the data: the journal is there, nothing is migrated again.
        using var again = HostProcess.StartAsync("ServicePortal.Host", [], environment);
        using var second = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(second)).StatusCode);
        var secondRun = await again.StopAsync();
        Assert.DoesNotContain("Applied migration", secondRun.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Creating an embedded PostgreSQL cluster", secondRun.StandardOutput, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    /// <summary>A whole host starting (an embedded cluster made with initdb the first time) on a busy machine.</summary>
    private static Task<HttpResponseMessage> ReadyAsync(HttpClient client) =>
        Testing.Eventually.AnswersAsync(() => client.GetAsync("/health/ready"), HttpStatusCode.OK, "the portal to be ready", TimeSpan.FromMinutes(3));
}
