using System.Net;
using ServicePortal.Core.Security;

namespace ServicePortal.Core.Tests.Security;

public sealed class AttemptLimitsTests : IAsyncLifetime
{
    private TestDatabase? _database;
    private Npgsql.NpgsqlDataSource? _dataSource;
    private readonly SettableClock _clock = new(new DateTimeOffset(2026, 12, 2, 10, 15, 0, TimeSpan.Zero));

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _dataSource = _database.CreateDataSource();
    }

    public async Task DisposeAsync()
    {
        await _dataSource!.DisposeAsync();
        await _database!.DisposeAsync();
    }

    [Fact]
    public async Task Counts_each_attempt_and_says_when_the_window_ends()
    {
        var limits = new AttemptLimits(_dataSource!, _clock);
        var limit = new AttemptLimit("test.hourly", 2, TimeSpan.FromHours(1));

        var first = await limits.CountAsync(limit, "+255700000001", CancellationToken.None);
        var second = await limits.CountAsync(limit, "+255700000001", CancellationToken.None);
        var third = await limits.CountAsync(limit, "+255700000001", CancellationToken.None);

        Assert.Equal((1, false, false), (first.Count, first.Reached, first.Exceeded));
        Assert.Equal((2, true, false), (second.Count, second.Reached, second.Exceeded));
        Assert.Equal((3, true), (third.Count, third.Exceeded));
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 11, 0, 0, TimeSpan.Zero), third.WindowEnd);
        Assert.Equal(TimeSpan.FromMinutes(45), third.RetryAfter(_clock.GetUtcNow()));
        // Another subject, and the same subject under another scope, count apart.
        Assert.Equal(1, (await limits.CountAsync(limit, "+255700000002", CancellationToken.None)).Count);
        Assert.Equal(1, (await limits.CountAsync(limit with { Scope = "test.other" }, "+255700000001", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task A_new_window_starts_from_nothing_and_a_reset_forgets()
    {
        var limits = new AttemptLimits(_dataSource!, _clock);
        var limit = new AttemptLimit("test.window", 3, TimeSpan.FromMinutes(10));
        await limits.CountAsync(limit, "a", CancellationToken.None);
        await limits.CountAsync(limit, "a", CancellationToken.None);

        Assert.Equal(2, (await limits.PeekAsync(limit, "a", CancellationToken.None)).Count);
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(0, (await limits.PeekAsync(limit, "a", CancellationToken.None)).Count);
        Assert.Equal(1, (await limits.CountAsync(limit, "a", CancellationToken.None)).Count);
        await limits.ResetAsync(limit, "a", CancellationToken.None);
        Assert.Equal(0, (await limits.PeekAsync(limit, "a", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Attempts_from_many_connections_at_once_all_count()
    {
        var limits = new AttemptLimits(_dataSource!, _clock);
        var limit = new AttemptLimit("test.concurrent", 100, TimeSpan.FromHours(1));

        var tallies = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => limits.CountAsync(limit, "nin", CancellationToken.None)));

        Assert.Equal(Enumerable.Range(1, 40), tallies.Select(t => t.Count).Order());
    }

    [Fact]
    public async Task Keeps_no_subject_in_readable_form()
    {
        var limits = new AttemptLimits(_dataSource!, _clock);
        await limits.CountAsync(new AttemptLimit("test.private", 5, TimeSpan.FromDays(1)), "19900415111110000123", CancellationToken.None);

        await using var command = _dataSource!.CreateCommand(
            "SELECT count(*) FROM portal.attempt_counts WHERE position('19900415' in encode(subject_hash, 'escape')) > 0 OR scope LIKE '%1990%'");
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void Counts_an_IPv6_client_by_its_64_prefix(string address, string network) =>
        Assert.Equal(network, ClientNetwork.Of(IPAddress.Parse(address)));

    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
