using System.Diagnostics;
using System.Threading.RateLimiting;

namespace BillingConsole.Web.Hosting;

/// <summary>
/// A <see cref="FixedWindowRateLimiter"/> whose refusals carry the time until its window really reopens as
/// <see cref="MetadataName.RetryAfter"/>: the framework's own lease always says one whole window, however much of it
/// is left. With auto-replenishment the limiter's timer starts with it and fires every window, so windows reopen at
/// creation + k × window.
/// </summary>
public sealed class ReopeningFixedWindowLimiter : ReplenishingRateLimiter
{
    private readonly FixedWindowRateLimiter _inner;
    private readonly TimeSpan _window;
    private readonly long _createdAt;

    public ReopeningFixedWindowLimiter(FixedWindowRateLimiterOptions options)
    {
        if (!options.AutoReplenishment)
            throw new ArgumentException("The reopening time is known only for auto-replenishing windows.", nameof(options));
        _createdAt = Stopwatch.GetTimestamp();
        _inner = new FixedWindowRateLimiter(options);
        _window = options.Window;
    }

    /// <summary>Time left in the current window; at least a second, in case the timer runs late at a boundary.</summary>
    public TimeSpan UntilReopen()
    {
        var into = TimeSpan.FromTicks(Stopwatch.GetElapsedTime(_createdAt).Ticks % _window.Ticks);
        return into < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : _window - into;
    }

    public override TimeSpan? IdleDuration => _inner.IdleDuration;
    public override bool IsAutoReplenishing => _inner.IsAutoReplenishing;
    public override TimeSpan ReplenishmentPeriod => _inner.ReplenishmentPeriod;
    public override bool TryReplenish() => _inner.TryReplenish();
    public override RateLimiterStatistics? GetStatistics() => _inner.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Reported(_inner.AttemptAcquire(permitCount));

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        Reported(await _inner.AcquireAsync(permitCount, cancellationToken));

    private RateLimitLease Reported(RateLimitLease lease) => lease.IsAcquired ? lease : new RefusedLease(lease, UntilReopen());

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _inner.Dispose();
        base.Dispose(disposing);
    }

    protected override ValueTask DisposeAsyncCore() => _inner.DisposeAsync();
}
