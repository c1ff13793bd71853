using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Ledger;

/// <summary>Resolving unpriced holds many at a time (<see cref="LedgerWriter.SettleManyAsync"/>): set-based where the
/// dialect has <see cref="ILedgerDialect.ResolveManySql"/>, per hold elsewhere, the same results either way.</summary>
public abstract partial class LedgerConformanceTests
{
    [Fact]
    public async Task SettleMany_UnpricedHoldsOfTwoAccounts_ChargesEachCost_AForeignHoldIsNotFound()
    {
        var writer = Db.Writer();
        var first = await NewAccountAsync(Dollars(10));
        var second = await NewAccountAsync(Dollars(10));
        var a1 = Ok(await writer.ReserveAsync(Hold(first, Cents(50)), Ct));
        var b1 = Ok(await writer.ReserveAsync(Hold(second, Cents(50)), Ct));
        var a2 = Ok(await writer.ReserveAsync(Hold(first, Cents(50)), Ct));
        var b2 = Ok(await writer.ReserveAsync(Hold(second, Cents(50)), Ct));

        var results = await writer.SettleManyAsync([
            Settle(first, a1.ReservationId, Cents(20)),
            Settle(second, b1.ReservationId, Cents(70)),   // above the hold: charges the rest
            Settle(second, a2.ReservationId, Cents(10)),   // another account's hold
            Settle(first, a2.ReservationId, Cents(5)),     // the same hold again, now with its own account
            new SettleRequest(null, b2.ReservationId, Cents(0), "Settled", Tester),
        ], Ct);

        Assert.Equal([Cents(30), Cents(-20)], new[] { Ok(results[0]).Amount, Ok(results[1]).Amount });
        Fails(results[2], LedgerError.NotFound);
        Assert.Equal((Cents(45), Cents(975)), (Ok(results[3]).Amount, Ok(results[3]).BalanceAfter));
        Assert.Equal((Cents(50), Cents(930)), (Ok(results[4]).Amount, Ok(results[4]).BalanceAfter));
        // A hold named twice goes to the statement at its first mention only; that one names the wrong account, so a2
        // settles on the single path, after the statement's three.
        Assert.Equal(Db.Dialect.ResolveManySql is null ? 0 : 3, writer.SetResolutions);
        Assert.Equal((Cents(975).Units, 5L), ((await StateAsync(first)).Balance, (await StateAsync(first)).LastSequence));
        Assert.Equal((Cents(930).Units, 5L), ((await StateAsync(second)).Balance, (await StateAsync(second)).LastSequence));
        await AssertInvariantsHoldAsync(first, second);
    }

    [Fact]
    public async Task SettleMany_PastTheStorableRange_TheBatchFallsBackAndOnlyTheItemBeyondItIsRefused()
    {
        var id = await NewAccountAsync(Dollars(1));
        var holds = new List<ReservationHold>();
        for (var i = 0; i < 5; i++)
            holds.Add(Ok(await Ledger.ReserveAsync(Hold(id, Cents(1)), Ct)));

        // Together they pass the accounts' CHECK constraint: the set statement fails whole, and each item then runs alone.
        var results = await Ledger.SettleManyAsync(holds.Select(h => Settle(id, h.ReservationId, Money.Max)).ToList(), Ct);

        Assert.All(results.Take(4), r => Ok(r));
        Fails(results[4], LedgerError.BalanceLimit);
        Assert.Equal(ReservationStatus.Open, await StatusOfAsync(holds[4].ReservationId));
        Ok(await Ledger.ReleaseAsync(Release(id, holds[4].ReservationId), Ct));
        await AssertInvariantsHoldAsync(id);
    }
}
