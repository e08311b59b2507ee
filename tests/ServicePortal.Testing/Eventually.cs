using System.Diagnostics;

namespace ServicePortal.Testing;

/// <summary>
/// The suite's one way to wait for something that happens in the background (a job, a listener, an audit
/// writer, another node): ask again every <see cref="Interval"/> until it holds, for at most <see cref="Timeout"/>.
/// There are no fixed sleeps in the tests and no assertion on how long something took: the timeout is a bound
/// for a broken feature to be reported, never a measure of speed, so it is generous for a loaded 2-core CI machine.
/// </summary>
public static class Eventually
{
    /// <summary>How long a background effect may take before the test says it never happened.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Waits until <paramref name="condition"/> is true; fails with <paramref name="what"/> when it never is.</summary>
    /// <remarks>
    /// <paramref name="interval"/> is for a check that is itself costly or counted (calls through a rate-limited
    /// route): ask less often rather than meet the limit.
    /// </remarks>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        await ValueAsync(condition, ok => ok, what, timeout, interval);
    }

    /// <summary>
    /// Asks until the answer has <paramref name="expected"/> status (a server starting: refused connections count as
    /// not yet), and returns that answer.
    /// </summary>
    public static async Task<HttpResponseMessage> AnswersAsync(Func<Task<HttpResponseMessage>> ask,
        System.Net.HttpStatusCode expected, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(ask);
        var answer = await ValueAsync(async () =>
        {
            try
            {
                return await ask();
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, response => response?.StatusCode == expected, what, timeout);
        return answer!;
    }

    /// <summary>Reads until the value satisfies <paramref name="done"/>, and returns it.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null,
        TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? Timeout;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:F0} s for {what}; last seen: {value}");
            }

            await Task.Delay(interval ?? Interval);
        }
    }
}
