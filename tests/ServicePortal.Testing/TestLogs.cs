using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ServicePortal.Testing;

/// <summary>
/// The last log lines of a host under test (the portal, a demo agency), kept in memory so a failing test can say
/// what the server did: a wait that times out in a browser shows only the page, not why the server answered so.
/// Bounded: the oldest lines go first.
/// </summary>
public sealed class TestLogs : ILoggerProvider
{
    private const int Capacity = 400;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly string _source;

    public TestLogs(string source = "portal") => _source = source;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The newest <paramref name="count"/> lines, oldest first, one per line.</summary>
    public string Recent(int count = 60)
    {
        var lines = _lines.ToArray();
        return string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Length - count)));
    }

    /// <summary>Whether a kept line contains <paramref name="text"/> (a background effect a test waits for).</summary>
    public bool Contains(string text) => _lines.Any(line => line.Contains(text, StringComparison.Ordinal));

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > Capacity && _lines.TryDequeue(out _))
        {
        }
    }

    public void Dispose()
    {
    }

    private sealed class Logger(TestLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = string.Create(CultureInfo.InvariantCulture,
                $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {logs._source} {logLevel} {category}: {formatter(state, exception)}");
            if (exception is not null)
            {
                line += $" ({exception.GetType().Name}: {exception.Message})";
            }

            logs.Add(line);
        }
    }
}
