using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ServicePortal.Requests.Agencies;
using ServicePortal.Requests.Sync;

namespace SyncBench;

/// <summary>
/// The status-sync benchmark (issue 6): N open requests spread over the bench agencies, one full sync pass of
/// every agency at once (as their recurring jobs would run), then a second pass right after (nothing left to
/// change: the cost of asking). Arguments (key=value): connection, issuer, agencies, firstPort, requests,
/// accounts, runs, parallel, out. Prints one line per pass and writes the Markdown report to <c>out</c>.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(args).Build();
        var settings = new Settings(
            configuration["connection"] ?? throw new ArgumentException("connection=<the portal's database> is required"),
            configuration["issuer"] ?? throw new ArgumentException("issuer=<the portal's address, its JWKS> is required"),
            configuration.GetValue("agencies", 10),
            configuration.GetValue("firstPort", 0),
            configuration.GetValue("requests", 100_000),
            configuration.GetValue("accounts", 5_000),
            configuration.GetValue("runs", 3),
            configuration.GetValue("parallel", configuration.GetValue("agencies", 10)),
            configuration["out"]);
        if (settings.FirstPort <= 0 || settings.Requests % settings.Agencies != 0)
        {
            await Console.Error.WriteLineAsync("firstPort=<port of bench-01> is required, and requests must divide evenly among the agencies.");
            return 2;
        }

        var data = new BenchData(settings);
        await data.SeedCatalogueAndAccountsAsync();

        await using var portal = new BenchPortal(settings.Connection, settings.Issuer);
        var services = portal.Services; // builds and starts the portal node
        var agencies = Enumerable.Range(1, settings.Agencies).Select(BenchData.AgencyCode).ToList();

        // Warm-up: JIT, connection pools, the assertion cache and the agencies' first requests (100 each).
        await data.ResetAsync(100 * settings.Agencies);
        var warm = await RunPassAsync(services, agencies, settings.Parallel);
        Require(warm.Applied == 100 * settings.Agencies, $"warm-up applied {warm.Applied}, not {100 * settings.Agencies}: are the bench agencies answering?" +
                                                          warm.FirstError);

        var results = new List<(PassReport First, PassReport Second, Checks Checks)>();
        for (var run = 1; run <= settings.Runs; run++)
        {
            await data.ResetAsync(settings.Requests);
            var first = await RunPassAsync(services, agencies, settings.Parallel);
            var checks = await data.CheckAsync();
            var second = await RunPassAsync(services, agencies, settings.Parallel);
            var after = await data.CheckAsync();
            Console.Error.WriteLine($"  run {run}, pass 1: {first.Describe()}; {checks.Describe()}");
            Console.Error.WriteLine($"  run {run}, pass 2: {second.Describe()}; status events now {after.StatusEvents}");
            Require(first.Applied == settings.Requests && checks.InReview == settings.Requests && checks.StatusEvents == settings.Requests,
                $"run {run}: not every request moved ({checks.Describe()}){first.FirstError}");
            Require(second.Applied == 0 && after.StatusEvents == checks.StatusEvents, $"run {run}: the second pass changed something");
            results.Add((first, second, checks));
        }

        // Where the time goes: one more run, not counted above, with every database command timed.
        await data.ResetAsync(settings.Requests);
        PassReport profiled;
        Dictionary<string, (int Count, double Seconds)> commands;
        using (var profile = new CommandProfile())
        {
            profiled = await RunPassAsync(services, agencies, settings.Parallel);
            commands = profile.Totals();
        }

        var report = Report.Write(settings, results, profiled, commands);
        Console.Out.Write(report);
        if (settings.Out is { } path)
        {
            await File.WriteAllTextAsync(path, report);
        }

        return 0;
    }

    private static void Require(bool condition, string problem)
    {
        if (!condition)
        {
            throw new InvalidOperationException(problem);
        }
    }

    /// <summary>One pass of every agency, <paramref name="parallel"/> at a time, each timed on its own.</summary>
    private static async Task<PassReport> RunPassAsync(IServiceProvider services, IReadOnlyList<string> agencies, int parallel)
    {
        var passes = new List<AgencyPass>();
        var wall = Stopwatch.StartNew();
        await Parallel.ForEachAsync(agencies, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (agency, cancellationToken) =>
        {
            var clock = new AgencyClock();
            AgencyClock.Current.Value = clock;
            var job = services.GetRequiredService<StatusSyncJob>();
            var started = Stopwatch.GetTimestamp();
            var result = await job.RunAsync(agency, cancellationToken);
            var pass = new AgencyPass(agency, Stopwatch.GetElapsedTime(started).TotalSeconds, result, clock.HttpSeconds, clock.HttpCalls);
            lock (passes)
            {
                passes.Add(pass);
            }
        });
        wall.Stop();
        return new PassReport(wall.Elapsed.TotalSeconds, passes);
    }
}

internal sealed record Settings(string Connection, string Issuer, int Agencies, int FirstPort, int Requests, int Accounts, int Runs,
    int Parallel, string? Out);

internal sealed record AgencyPass(string Agency, double Seconds, StatusSyncJob.PassResult Result, double HttpSeconds, int HttpCalls);

internal sealed record PassReport(double WallSeconds, IReadOnlyList<AgencyPass> Passes)
{
    public int Asked => Passes.Sum(p => p.Result.Asked);
    public int Applied => Passes.Sum(p => p.Result.Applied);
    public int Problems => Passes.Sum(p => p.Result.Problems);
    public double PerSecond => Applied / WallSeconds;
    public double AskedPerSecond => Asked / WallSeconds;
    public double MedianAgencySeconds => Stats.Median(Passes.Select(p => p.Seconds));
    public double HttpShare => Passes.Sum(p => p.HttpSeconds) / Passes.Sum(p => p.Seconds);
    public int HttpCalls => Passes.Sum(p => p.HttpCalls);

    public string FirstError => Passes.FirstOrDefault(p => p.Result.Error is not null) is { } failed
        ? $" ({failed.Agency}: {failed.Result.Error})"
        : "";

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{WallSeconds:F2} s, asked {Asked}, applied {Applied}, problems {Problems}, {PerSecond:F0} applied/s, {AskedPerSecond:F0} asked/s, " +
        $"median agency pass {MedianAgencySeconds:F2} s, waiting for agencies {HttpShare:P0} of pass time{FirstError}");
}

internal sealed record Checks(long InReview, long StatusEvents, long Notices)
{
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"in_review {InReview}, status events {StatusEvents}, notices in the outbox {Notices}");
}

internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

/// <summary>The time one agency's pass spent waiting for the agency (the HTTP call, answer read in full).</summary>
internal sealed class AgencyClock
{
    public static readonly AsyncLocal<AgencyClock?> Current = new();
    private long _ticks;
    private int _calls;

    public double HttpSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _ticks)).TotalSeconds;
    public int HttpCalls => _calls;

    public void Add(TimeSpan elapsed)
    {
        Interlocked.Add(ref _ticks, elapsed.Ticks);
        Interlocked.Increment(ref _calls);
    }
}

/// <summary>In the connector's HttpClient pipeline: times each call to an agency, its answer read in full.</summary>
internal sealed class TimingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await base.SendAsync(request, cancellationToken);
        // What HttpClient does next anyway (ResponseContentRead), done here so the clock covers the whole answer.
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        AgencyClock.Current.Value?.Add(Stopwatch.GetElapsedTime(started));
        return response;
    }
}

/// <summary>
/// A second node of the portal, in this process, on the database of the one sync.sh started: the same signing
/// keys (kept in the database), the same issuer, its own jobs off so nothing runs but what is timed here.
/// </summary>
internal sealed class BenchPortal(string connectionString, string issuer) : WebApplicationFactory<global::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        // The host's project folder (appsettings.json), from the repository's root where sync.sh runs this.
        builder.UseContentRoot(Path.GetFullPath(Path.Combine("src", "ServicePortal.Host")));
        builder.UseSetting("ConnectionStrings:Portal", connectionString);
        builder.UseSetting("Identity:Issuer", issuer);
        builder.UseSetting("AllowedHosts", "localhost;127.0.0.1");
        builder.UseSetting("DataProtection:AllowUnencryptedKeys", "true"); // the same throwaway key ring as sync.sh's portal
        builder.UseSetting("Identity:AllowHttp", "true");
        // The bench agencies are on loopback, over http: the same list as sync.sh's portal (host:port entries).
        builder.UseSetting("Gateway:AllowedPrivateDestinations", System.Environment.GetEnvironmentVariable("BENCH_DESTINATIONS") ?? "");
        builder.UseSetting("Identity:RegistryUrl", "http://127.0.0.1:9/");
        builder.UseSetting("Catalog:SeedDemoData", "false");
        builder.UseSetting("Requests:RunJobs", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureTestServices(services =>
        {
            services.AddTransient<TimingHandler>();
            services.AddHttpClient<AgencyConnector>().AddHttpMessageHandler<TimingHandler>();
        });
    }
}

/// <summary>Times every database command of the portal (Npgsql's activities), grouped by what the command does.</summary>
internal sealed class CommandProfile : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly Dictionary<string, (int Count, double Seconds)> _totals = new(StringComparer.Ordinal);

    public CommandProfile()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                var text = activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string ?? activity.DisplayName;
                var kind = Classify(text);
                lock (_totals)
                {
                    var (count, seconds) = _totals.GetValueOrDefault(kind);
                    _totals[kind] = (count + 1, seconds + activity.Duration.TotalSeconds);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public Dictionary<string, (int Count, double Seconds)> Totals()
    {
        lock (_totals)
        {
            return new Dictionary<string, (int, double)>(_totals, StringComparer.Ordinal);
        }
    }

    public void Dispose() => _listener.Dispose();

    internal static string Classify(string text)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat switch
        {
            _ when flat.StartsWith("SELECT id AS Id, agency_reference", StringComparison.Ordinal) => "the next 500 open requests",
            _ when flat.Contains("FOR UPDATE", StringComparison.Ordinal) => "apply: lock the batch's rows",
            _ when flat.StartsWith("UPDATE requests.requests r SET", StringComparison.Ordinal) => "apply: update the requests",
            _ when flat.StartsWith("INSERT INTO requests.events", StringComparison.Ordinal) => "apply: insert the timeline events",
            _ when flat.StartsWith("SELECT id, first_name, phone", StringComparison.Ordinal) => "apply: read the citizens' contacts",
            _ when flat.Contains("portal.outbox_messages", StringComparison.Ordinal) => "apply: insert the notices (outbox)",
            _ when flat.StartsWith("COMMIT", StringComparison.Ordinal) => "apply: commit",
            _ => "other (locks, agency_sync, catalogue)",
        };
    }
}

/// <summary>The benchmark's rows: the agencies in the catalogue, the citizens, and the open requests.</summary>
internal sealed class BenchData(Settings settings)
{
    public static string AgencyCode(int number) => string.Create(CultureInfo.InvariantCulture, $"bench-{number:D2}");

    public async Task SeedCatalogueAndAccountsAsync()
    {
        await using var connection = new NpgsqlConnection(settings.Connection);
        await connection.OpenAsync();
        await connection.ExecuteAsync(
            "INSERT INTO catalog.categories (code, name_sw, name_en) VALUES ('bench', 'Majaribio', 'Benchmark') ON CONFLICT (code) DO NOTHING");
        for (var n = 1; n <= settings.Agencies; n++)
        {
            var code = AgencyCode(n);
            var destinations = string.Create(CultureInfo.InvariantCulture,
                $$"""[{"name": "{{code}}", "address": "http://127.0.0.1:{{settings.FirstPort + n - 1}}/"}]""");
            await connection.ExecuteAsync(
                """
                INSERT INTO catalog.agencies (code, short_name, name_sw, name_en, status)
                VALUES (@code, upper(@code), 'Taasisi ya majaribio ' || @code, 'Benchmark agency ' || @code, 'approved')
                ON CONFLICT (code) DO NOTHING;
                INSERT INTO catalog.agency_endpoints (agency_id, name, destinations, auth_requirement, status)
                SELECT id, 'applications', CAST(@destinations AS jsonb), 'citizen', 'approved' FROM catalog.agencies WHERE code = @code
                ON CONFLICT (agency_id, name) DO UPDATE SET destinations = excluded.destinations;
                INSERT INTO catalog.services (code, agency_id, category_id, name_sw, name_en, summary_sw, summary_en, channels,
                                              cost_tzs, processing_days, status, submit_path, status_path, published_at)
                SELECT @code || '-permit', a.id, c.id, 'Kibali cha majaribio', 'Benchmark permit', 'Kwa kupima kasi.', 'For the benchmark.',
                       '{portal}', 0, 30, 'published', '/applications/permit', '/applications/status', now()
                FROM catalog.agencies a, catalog.categories c WHERE a.code = @code AND c.code = 'bench'
                ON CONFLICT (code) DO NOTHING;
                """, new { code, destinations });
        }

        // Citizens to notify: half with an e-mail address too (two notices per move), a third in English.
        await connection.ExecuteAsync(
            """
            INSERT INTO identity.accounts (nin, first_name, last_name, date_of_birth, phone, email, language, password_hash)
            SELECT '7777' || lpad(i::text, 16, '0'), 'Bench', 'Citizen ' || i, DATE '1990-01-01', '+2557' || lpad(i::text, 8, '0'),
                   CASE WHEN i % 2 = 0 THEN 'bench' || i || '@example.org' END, CASE WHEN i % 3 = 0 THEN 'en' ELSE 'sw' END,
                   'no password: a benchmark account'
            FROM generate_series(1, @accounts) i
            ON CONFLICT (nin) DO NOTHING
            """, new { accounts = settings.Accounts });
    }

    /// <summary>
    /// Starts over: no requests, events, notices or sync state; then <paramref name="count"/> requests submitted a
    /// day ago, spread evenly and interleaved over the agencies (version 1, <c>received</c>), vacuumed and analysed.
    /// </summary>
    public async Task ResetAsync(int count)
    {
        await using var connection = new NpgsqlConnection(settings.Connection);
        await connection.OpenAsync();
        await connection.ExecuteAsync(
            """
            TRUNCATE requests.events, requests.requests, requests.agency_sync, requests.agency_errors, portal.outbox_messages;
            INSERT INTO requests.requests (reference, account_id, service_code, agency, answers, status, idempotency_key, language, acr, amr,
                agency_reference, agency_status, agency_version, agency_updated_at, message_sw, message_en, submit_path, status_path,
                processing_days, due_at, created_at, updated_at, submitted_at)
            SELECT 'SP-' || lpad(g::text, 9, '0'), a.id, agency || '-permit', agency, '{"purpose": "benchmark"}', 'submitted', 'bench-' || g,
                   a.language, 'urn:serviceportal:loa:substantial', '{pwd,sms}',
                   'BENCH-' || lpad(g::text, 9, '0'), 'received', 1, now() - interval '1 day',
                   'Ombi lako limepokelewa.', 'Your application has been received.', '/applications/permit', '/applications/status',
                   30, now() + interval '29 days', now() - interval '1 day', now() - interval '1 day', now() - interval '1 day'
            FROM generate_series(1, @count) g
            CROSS JOIN LATERAL (SELECT 'bench-' || lpad(((g - 1) % @agencies + 1)::text, 2, '0') AS agency) x
            JOIN (SELECT id, language, row_number() OVER (ORDER BY nin) - 1 AS n FROM identity.accounts WHERE nin LIKE '7777%') a
              ON a.n = g % @accounts
            """, new { count, agencies = settings.Agencies, accounts = settings.Accounts }, commandTimeout: 600);
        foreach (var table in new[] { "requests.requests", "requests.events", "portal.outbox_messages" })
        {
            await connection.ExecuteAsync($"VACUUM ANALYZE {table}", commandTimeout: 600);
        }

        await connection.ExecuteAsync("CHECKPOINT", commandTimeout: 600, commandType: System.Data.CommandType.Text);
    }

    public async Task<Checks> CheckAsync()
    {
        await using var connection = new NpgsqlConnection(settings.Connection);
        await connection.OpenAsync();
        return await connection.QuerySingleAsync<Checks>(
            """
            SELECT (SELECT count(*) FROM requests.requests WHERE status = 'in_review') AS InReview,
                   (SELECT count(*) FROM requests.events WHERE kind = 'status') AS StatusEvents,
                   (SELECT count(*) FROM portal.outbox_messages WHERE purpose = 'request_status') AS Notices
            """);
    }
}

/// <summary>The Markdown the script prints and puts into docs/benchmarks.md.</summary>
internal static class Report
{
    public static string Write(Settings settings, List<(PassReport First, PassReport Second, Checks Checks)> runs, PassReport profiled,
        Dictionary<string, (int Count, double Seconds)> commands)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        double Median(Func<(PassReport First, PassReport Second, Checks Checks), double> value) => Stats.Median(runs.Select(value));

        text.AppendLine(c, $"| pass | wall time | requests asked | updates applied | updates/s | asked/s | agency pass, median | waiting for the agency |");
        text.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var (label, pick) in new (string, Func<(PassReport First, PassReport Second, Checks Checks), PassReport>)[]
                 {
                     ("first (every request moves)", r => r.First),
                     ("second, right after (nothing to change)", r => r.Second),
                 })
        {
            text.AppendLine(c,
                $"| {label} | {Median(r => pick(r).WallSeconds):F2} s | {Median(r => pick(r).Asked):N0} | {Median(r => pick(r).Applied):N0} | " +
                $"**{Median(r => pick(r).PerSecond):N0}** | {Median(r => pick(r).AskedPerSecond):N0} | {Median(r => pick(r).MedianAgencySeconds):F2} s | " +
                $"{Median(r => pick(r).HttpShare):P0} |");
        }

        text.AppendLine();
        text.AppendLine(c, $"Each run (first pass / second pass, wall time; notices written by the first):");
        text.AppendLine();
        var number = 0;
        foreach (var (first, second, checks) in runs)
        {
            text.AppendLine(c,
                $"- run {++number}: {first.WallSeconds:F2} s ({first.PerSecond:N0} updates/s) / {second.WallSeconds:F2} s; " +
                $"{checks.InReview:N0} requests in_review, {checks.StatusEvents:N0} status events, {checks.Notices:N0} notices");
        }

        var met = Median(r => r.First.PerSecond) >= 5_000;
        text.AppendLine();
        text.AppendLine(c, $"Goal, at least 5,000 updates/s: **{(met ? "met" : "not met")}**.");

        text.AppendLine();
        text.AppendLine(c,
            $"Where the time goes, from one more first pass with every database command timed (Npgsql's activities; timing costs a little, and runs vary): {profiled.WallSeconds:F2} s, " +
            $"{profiled.PerSecond:N0} updates/s. The {settings.Agencies} passes ran {settings.Parallel} at a time, so their times add up to " +
            $"{profiled.Passes.Sum(p => p.Seconds):F1} s of pass time:");
        text.AppendLine();
        text.AppendLine("| part of the passes | calls | time, summed over the passes | share of pass time | per call |");
        text.AppendLine("|---|--:|--:|--:|--:|");
        var total = profiled.Passes.Sum(p => p.Seconds);
        var http = profiled.Passes.Sum(p => p.HttpSeconds);
        text.AppendLine(c, $"| waiting for the agency (HTTP, answer read) | {profiled.HttpCalls:N0} | {http:F1} s | {http / total:P0} | {http / Math.Max(1, profiled.HttpCalls) * 1000:F1} ms |");
        foreach (var (kind, (count, seconds)) in commands.OrderByDescending(k => k.Value.Seconds))
        {
            text.AppendLine(c, $"| {kind} | {count:N0} | {seconds:F1} s | {seconds / total:P0} | {seconds / count * 1000:F2} ms |");
        }

        var rest = total - http - commands.Values.Sum(v => v.Seconds);
        text.AppendLine(c, $"| the rest (JSON, checks, pool, scheduling on {Environment.ProcessorCount} cores) | | {rest:F1} s | {rest / total:P0} | |");
        return text.ToString();
    }
}
