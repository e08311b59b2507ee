using ServicePortal.Core.Security;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// The portal's clock in a test: real time plus an offset the test moves forward, so a test can let fifteen
/// idle minutes or twelve hours pass without sleeping. It never stands still, so everything that measures a
/// short wait still works.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    /// <summary>Another node's clock: the same offset.</summary>
    public void Follow(TestClock other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Interlocked.Exchange(ref _offsetTicks, Interlocked.Read(ref other._offsetTicks));
    }

    /// <summary>
    /// Moves to just after the start of the next fixed window of this length (as <see cref="AttemptLimits"/>
    /// aligns them), so the attempts of a test all fall in one window rather than straddling two.
    /// </summary>
    public void MoveToStartOfNextWindow(TimeSpan window)
    {
        var now = GetUtcNow();
        var (_, end) = AttemptLimits.WindowAt(window, now);
        Advance(end - now + TimeSpan.FromMilliseconds(200));
    }
}
