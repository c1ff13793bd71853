namespace BillingConsole.Web.Tests.Components;

/// <summary>A clock the tests can stop: it follows the system clock until <see cref="Set"/> pins it, so the ledger,
/// metering and the components all agree on "now" and on which UTC day a call settled.</summary>
public sealed class TestClock : TimeProvider
{
    private DateTimeOffset? _now;

    public override DateTimeOffset GetUtcNow() => _now ?? DateTimeOffset.UtcNow;

    public void Set(DateTimeOffset now) => _now = now;

    public void Set(DateTime utc) => _now = new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    public void Advance(TimeSpan by) => _now = GetUtcNow() + by;
}
