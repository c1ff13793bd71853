namespace BillingConsole.Demo;

/// <summary>A clock the demo loaders move through the past; the ledger takes its timestamps from it.</summary>
public sealed class WalkingClock(DateTime start) : TimeProvider
{
    private DateTime _now = start;

    public void Set(DateTime utc) => _now = utc > _now ? utc : _now.AddSeconds(1);

    public void SetExactly(DateTime utc) => _now = utc;

    public void Advance(TimeSpan by) => _now += by;

    public override DateTimeOffset GetUtcNow() => new(DateTime.SpecifyKind(_now, DateTimeKind.Utc));
}
