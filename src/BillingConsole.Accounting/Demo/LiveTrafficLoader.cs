using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Demo;

/// <summary>Applies generated traffic through the real write path: <see cref="MeteringService"/> and <see cref="LedgerWriter"/>,
/// each event at its own time. The reference the bulk loader is compared against.</summary>
public sealed class LiveTrafficLoader(IDbContextFactory<BillingDbContext> dbFactory, ILedgerDialect dialect, PriceCatalog catalog)
{
    public async Task LoadAsync(IReadOnlyList<TrafficEvent> events, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var clock = new WalkingClock(events.Count > 0 ? events[0].At : DateTime.UtcNow);
        var ledger = new LedgerWriter(dbFactory, dialect, clock);
        var metering = new MeteringService(ledger, catalog, dbFactory, clock);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            clock.SetExactly(e.At);
            switch (e)
            {
                case PostEvent p:
                    Require(await ledger.PostAsync(new PostRequest(p.AccountId, p.Type, new Money(p.Amount), p.Description, p.Origin, p.RefId, p.IdempotencyKey), ct));
                    break;
                case CallEvent c:
                    await CallAsync(metering, clock, c, ct);
                    break;
                case ExpiryEvent:
                    while (await ledger.ReleaseExpiredAsync(500, ct) > 0) { }
                    break;
            }
            if (i % 1000 == 0)
                progress?.Report(i);
        }
        progress?.Report(events.Count);
    }

    private static async Task CallAsync(MeteringService metering, WalkingClock clock, CallEvent c, CancellationToken ct)
    {
        var hold = Require(await metering.ReserveAsync(new MeterReserveCommand(c.IdempotencyKey, c.KeyId, c.Model.Model.Slug, c.MaxInput, c.MaxOutput,
            c.Tags?.Split(',')), ct));
        if (c.End is CallEnd.Leaked or CallEnd.InFlight)
            return;
        clock.SetExactly(c.EndAt);
        if (c.End == CallEnd.Cancelled)
        {
            Require(await metering.ReleaseAsync(hold.ReservationId, "client cancelled the request", ct));
            return;
        }
        Require(await metering.SettleAsync(new MeterSettleCommand(hold.ReservationId, c.Tokens, c.Status, c.ErrorCode, c.LatencyMs, c.TtfbMs,
            c.Streaming, c.Model.Model.Provider, c.ClientIp, c.UserAgent), ct));
    }

    private static T Require<T>(LedgerResult<T> result) where T : class =>
        result.Value ?? throw new InvalidOperationException($"Demo traffic could not be written: {result.Failure}");
}
