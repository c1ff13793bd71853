using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Metering;

public abstract partial class MeteringConformanceTests
{
    private async Task<IReadOnlyList<string>> ViolationKindsAsync(long accountId)
    {
        var run = await new InvariantChecker(Db.Factory, Clock).RunAsync(InvariantCheckMode.Full, [accountId], Ct);
        return run.Violations.Select(v => v.Kind).ToList();
    }

    [Fact]
    public async Task Checker_TamperedQuantityOfAUnitCall_IsARollupMismatch()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));
        var hold = Ok(await Meter.ReserveUnitsAsync(ReserveUnits(key, "gpu-h100-80gb", 1), Ct));
        Ok(await Meter.SettleAsync(SettleUnits(hold.ReservationId, 0.5m), Ct));
        await AssertInvariantsHoldAsync(account);

        await using (var db = await Db.Factory.CreateDbContextAsync(Ct))
            await db.RequestRecords.Where(r => r.ReservationId == hold.ReservationId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Quantity, 400_000L), Ct);

        Assert.Contains("rollup_mismatch", await ViolationKindsAsync(account));
    }

    [Fact]
    public async Task Checker_RenewedCycleReopened_IsReported()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(20));
        var hold = Ok(await Meter.ReserveUnitsAsync(ReserveUnits(key, "gpu-h100-80gb", 1), Ct));
        var renewed = Ok(await Meter.RenewAsync(Renew(hold.ReservationId, 1), Ct));
        await AssertInvariantsHoldAsync(account);

        // A renewed cycle reads as settled once; one that claims to be open again while its settlement stands is caught.
        await using (var db = await Db.Factory.CreateDbContextAsync(Ct))
            await db.Reservations.Where(r => r.Id == hold.ReservationId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ReservationStatus.Open), Ct);

        Assert.Contains("hold_status_mismatch", await ViolationKindsAsync(account));
        Assert.NotEqual(hold.ReservationId, renewed.Next.ReservationId);
    }
}
