using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Demo;

/// <summary>
/// Loads generated traffic for one account fast, for seeds and benchmarks: it computes in memory exactly the rows the
/// live write path would write (same ids, sequences, balances, descriptions, prices, rollups and key counters, by the same
/// rules) and inserts them in large batches inside one transaction. A test runs both loaders on the same plan and
/// compares every row; the invariant checker verifies the result. SQLite and PostgreSQL only; the account must have no
/// open holds and the tables no concurrent writers while it runs.
/// </summary>
public sealed partial class BulkTrafficLoader(IDbContextFactory<BillingDbContext> dbFactory, ILedgerDialect dialect)
{
    public async Task LoadAsync(long accountId, IReadOnlyList<TrafficEvent> events, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (db.Database.ProviderName?.Contains("SqlServer") == true)
            throw new NotSupportedException("Bulk loading supports SQLite and PostgreSQL; use the live loader on SQL Server.");
        var state = await BulkState.LoadAsync(db, accountId, ct);
        var holds = new Dictionary<CallEvent, Reservation>(ReferenceEqualityComparer.Instance);
        foreach (var step in TrafficSchedule.Steps(events))
        {
            switch (step.Event)
            {
                case PostEvent p:
                    state.Append(p.At, p.Type, p.Amount, p.Description.Trim(), p.Origin, p.RefId, p.IdempotencyKey, null);
                    break;
                case CallEvent c when step.IsCallEnd:
                    End(state, c, holds[c]);
                    holds.Remove(c);
                    break;
                case CallEvent c:
                    holds[c] = state.Reserve(c, c.Model.PriceAt(c.At)!);
                    break;
                case ExpiryEvent x:
                    foreach (var hold in state.Open.Values.Where(h => h.ExpiresAt <= x.At).OrderBy(h => h.ExpiresAt).ToList())
                        state.Resolve(hold, x.At, ReservationStatus.Expired, EntryTypes.Release, MeteringTexts.Expired(hold.Id, hold.ExpiresAt),
                            LedgerWriter.ExpiryOrigin, new CallOutcome(new(0, 0, 0), RequestStatus.Expired, false), null);
                    break;
            }
        }
        await state.SaveAsync(db, dialect, ct);
    }

    private static void End(BulkState state, CallEvent c, Reservation hold)
    {
        if (c.End == CallEnd.Cancelled)
        {
            state.Resolve(hold, c.EndAt, ReservationStatus.Released, EntryTypes.Release, MeteringTexts.Released("client cancelled the request"),
                MeteringService.Gateway, new CallOutcome(new(0, 0, 0), RequestStatus.Cancelled, false), null);
            return;
        }
        var charge = MeteringTexts.IsCharged(c.Status, c.Tokens);
        var outcome = new CallOutcome(c.Tokens, c.Status, charge, MeteringTexts.Trim(c.ErrorCode, 64), c.LatencyMs, c.TtfbMs, c.Streaming,
            MeteringTexts.Trim(c.Model.Model.Provider, 64), MeteringTexts.Trim(c.ClientIp, 64), MeteringTexts.Trim(c.UserAgent, 300));
        state.Resolve(hold, c.EndAt, ReservationStatus.Settled, EntryTypes.Settlement, MeteringTexts.Settled(c.Status, c.Tokens, c.ErrorCode),
            MeteringService.Gateway, outcome, c.Model.PriceAt(c.At));
    }
}
