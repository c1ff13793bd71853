using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Demo;

/// <summary>Applies generated traffic through the real write path: <see cref="MeteringService"/> and <see cref="LedgerWriter"/>,
/// each event at its own time. The reference the bulk loader is compared against.</summary>
public sealed class LiveTrafficLoader(IDbContextFactory<BillingDbContext> dbFactory, ILedgerDialect dialect, PriceCatalog catalog)
{
    public async Task LoadAsync(IReadOnlyList<TrafficEvent> events, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var clock = new WalkingClock(events.Count > 0 ? events[0].At : DateTime.UtcNow);
        var ledger = new LedgerWriter(dbFactory, dialect, clock);
        var metering = new MeteringService(ledger, catalog, dbFactory, clock);
        var holds = new Dictionary<CallEvent, long>(ReferenceEqualityComparer.Instance);
        var applied = 0;
        foreach (var step in TrafficSchedule.Steps(events))
        {
            clock.SetExactly(step.At);
            switch (step.Event)
            {
                case PostEvent p:
                    Require(await ledger.PostAsync(new PostRequest(p.AccountId, p.Type, new Money(p.Amount), p.Description, p.Origin, p.RefId, p.IdempotencyKey), ct));
                    break;
                case CallEvent c when step.IsCallEnd:
                    await EndAsync(metering, c, holds[c], ct);
                    holds.Remove(c);
                    break;
                case CallEvent c:
                    holds[c] = Require(await metering.ReserveAsync(new MeterReserveCommand(c.IdempotencyKey, c.KeyId, c.Model.Model.Slug, c.MaxInput,
                        c.MaxOutput, c.Tags?.Split(',')), ct)).ReservationId;
                    break;
                case ExpiryEvent:
                    while (await ledger.ReleaseExpiredAsync(500, ct) > 0) { }
                    break;
            }
            if (!step.IsCallEnd && ++applied % 1000 == 0)
                progress?.Report(applied);
        }
        progress?.Report(events.Count);
    }

    private static async Task EndAsync(MeteringService metering, CallEvent c, long reservationId, CancellationToken ct)
    {
        if (c.End == CallEnd.Cancelled)
        {
            Require(await metering.ReleaseAsync(reservationId, "client cancelled the request", ct));
            return;
        }
        Require(await metering.SettleAsync(new MeterSettleCommand(reservationId, c.Tokens, c.Status, c.ErrorCode, c.LatencyMs, c.TtfbMs,
            c.Streaming, c.Model.Model.Provider, c.ClientIp, c.UserAgent), ct));
    }

    private static T Require<T>(LedgerResult<T> result) where T : class =>
        result.Value ?? throw new InvalidOperationException($"Demo traffic could not be written: {result.Failure}");
}
