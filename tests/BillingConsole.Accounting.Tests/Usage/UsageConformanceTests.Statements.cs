using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Accounting.Statements;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Usage;

public abstract partial class UsageConformanceTests
{
    private static readonly string[] CreditTypes = [EntryTypes.Reservation, EntryTypes.Settlement, EntryTypes.Release, EntryTypes.UsageDebit];

    [Fact]
    public async Task Invoice_TiesOut_AndEachLineIsTheLedgersOwnSumForTheMonth()
    {
        var h = await WriteHistoryAsync();

        foreach (var month in new[] { February, March })
        {
            var invoice = await Statements.GetStatementAsync(h.AccountId, month, Ct);

            Assert.Equal(month, invoice.Month);
            Assert.Equal(invoice.ClosingBalance, invoice.OpeningBalance + Sum(invoice.Lines.Select(l => l.Amount)));
            Assert.Equal(EntryTypes.All.Select(t => t.Name).Where(t => invoice.Lines.Any(l => l.Type == t)), invoice.Lines.Select(l => l.Type));
            foreach (var type in EntryTypes.All.Select(t => t.Name))
            {
                var (count, amount) = await LedgerSumAsync(h.AccountId, month, type);
                var line = invoice.Lines.SingleOrDefault(l => l.Type == type);
                Assert.Equal((count, amount), (line?.Count ?? 0, line?.Amount.Units ?? 0));
            }
        }
    }

    [Fact]
    public async Task Invoice_BalancesAndHeadlineFigures_FollowTheLedger()
    {
        var h = await WriteHistoryAsync();
        var feb = await Statements.GetStatementAsync(h.AccountId, February, Ct);
        var mar = await Statements.GetStatementAsync(h.AccountId, March, Ct);

        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var lastFebruary = await db.LedgerEntries.Where(e => e.AccountId == h.AccountId && e.CreatedAt < March.Start)
            .OrderByDescending(e => e.Sequence).Select(e => e.BalanceAfter).FirstAsync(Ct);
        var balance = await db.Accounts.Where(a => a.Id == h.AccountId).Select(a => a.Balance).SingleAsync(Ct);
        Assert.Equal((Money.Zero, new Money(lastFebruary)), (feb.OpeningBalance, feb.ClosingBalance));
        Assert.Equal((feb.ClosingBalance, new Money(balance)), (mar.OpeningBalance, mar.ClosingBalance));

        foreach (var (invoice, month) in new[] { (feb, February), (mar, March) })
        {
            Assert.Equal(h.Posted(month, EntryTypes.Topup, EntryTypes.AutoRecharge), invoice.Purchased);
            Assert.Equal(-h.Posted(month, EntryTypes.PlatformFee), invoice.Fees);
            Assert.Equal(h.Posted(month, EntryTypes.Refund), invoice.Refunds);
            Assert.Equal(h.Posted(month, EntryTypes.AdminCorrection), invoice.Corrections);
            Assert.Equal(h.Posted(month, EntryTypes.Bonus, EntryTypes.ContractGrant, EntryTypes.BonusGrant), invoice.Grants);
        }
        Assert.Equal((Money.FromDollars(200), Money.FromCents(600), Money.FromDollars(10)), (feb.Purchased, feb.Fees, feb.Grants));
        Assert.Equal((Money.FromDollars(2), -Money.FromCents(65), Money.FromDollars(110)), (mar.Refunds, mar.Corrections, mar.Grants));
    }

    /// <summary>A new account with $80 from March, then in April one or more entries of every entry type: purchases,
    /// fees, grants, a settled call, a released call, a usage debit, storage, a refund, corrections of both signs, a card
    /// refund, a dispute and its reversal. The clock ends at 2026-04-20.</summary>
    private async Task<long> WriteEveryEntryTypeAsync()
    {
        Db.RequireAvailable();
        Clock.SetUtcNow(new DateTimeOffset(2026, 3, 30, 9, 0, 0, TimeSpan.Zero));
        var accountId = await Db.CreateAccountAsync(name: "Every type");
        var key = await NewKeyAsync(accountId, "k");
        async Task Post(string type, Money amount)
        {
            Clock.Advance(TimeSpan.FromMinutes(5));
            Ok(await Ledger.PostAsync(new PostRequest(accountId, type, amount, $"{type} for tests", Tester), Ct));
        }
        await Post(EntryTypes.Topup, Money.FromDollars(80));

        Clock.SetUtcNow(new DateTimeOffset(2026, 4, 2, 9, 0, 0, TimeSpan.Zero));
        await Post(EntryTypes.Topup, Money.FromDollars(100));
        await Post(EntryTypes.PlatformFee, -Money.FromCents(320));
        await Post(EntryTypes.AutoRecharge, Money.FromDollars(25));
        await Post(EntryTypes.PlatformFee, -Money.FromCents(80));
        await Post(EntryTypes.Bonus, Money.FromDollars(5));
        await Post(EntryTypes.ContractGrant, Money.FromDollars(40));
        await Post(EntryTypes.BonusGrant, Money.FromDollars(4));
        var hold = Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 20_000, 2_000, ["prod"]), Ct));
        Clock.Advance(TimeSpan.FromSeconds(20));
        Ok(await Meter.SettleAsync(new MeterSettleCommand(hold.ReservationId, new TokenCounts(9_000, 700, 1_000), RequestStatus.Success, null,
            800, 100, true, null, "198.51.100.4", "tests/1.0"), Ct));
        var released = Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o-mini", 3_000, 500, []), Ct));
        Clock.Advance(TimeSpan.FromSeconds(5));
        Ok(await Meter.ReleaseAsync(released.ReservationId, "client disconnected", Ct));
        await Post(EntryTypes.UsageDebit, -Money.FromCents(135));
        await Post(EntryTypes.StorageBilling, -Money.FromCents(42));
        await Post(EntryTypes.StorageBilling, -new Money(420_000_001));
        await Post(EntryTypes.Refund, Money.FromCents(250));
        await Post(EntryTypes.AdminCorrection, -Money.FromCents(75));
        await Post(EntryTypes.AdminCorrection, Money.FromCents(10));
        await Post(EntryTypes.PaymentRefund, -Money.FromDollars(20));
        await Post(EntryTypes.Dispute, -Money.FromDollars(25));
        await Post(EntryTypes.DisputeReversal, Money.FromDollars(25));
        Clock.SetUtcNow(new DateTimeOffset(2026, 4, 20, 9, 0, 0, TimeSpan.Zero));
        return accountId;
    }

    [Fact]
    public async Task Invoice_MonthWithEveryEntryType_HeadlineFieldsTieOutAndFollowTheLedger()
    {
        var accountId = await WriteEveryEntryTypeAsync();

        var apr = await Statements.GetStatementAsync(accountId, April, Ct);

        Assert.Equal(EntryTypes.All.Select(t => t.Name), apr.Lines.Select(l => l.Type));
        Assert.Equal(Money.FromDollars(80), apr.OpeningBalance);
        // The contract's identity: fees and credits_used are charges, every other figure is signed as it moved the balance.
        Assert.Equal(apr.ClosingBalance, apr.OpeningBalance + apr.Purchased - apr.Fees - apr.CreditsUsed + apr.Refunds + apr.Corrections
                                         + apr.Grants + apr.Storage + apr.PaymentRefunds + apr.Disputes + apr.DisputeReversals);

        // Each figure independently, from ledger_entries.
        async Task<Money> FromLedger(params string[] types)
        {
            long sum = 0;
            foreach (var type in types)
                sum += (await LedgerSumAsync(accountId, April, type)).Amount;
            return new Money(sum);
        }
        Assert.Equal(await FromLedger(EntryTypes.Topup, EntryTypes.AutoRecharge), apr.Purchased);
        Assert.Equal(-await FromLedger(EntryTypes.PlatformFee), apr.Fees);
        Assert.Equal(-await FromLedger(EntryTypes.Reservation, EntryTypes.Settlement, EntryTypes.Release, EntryTypes.UsageDebit), apr.CreditsUsed);
        Assert.Equal(await FromLedger(EntryTypes.Refund), apr.Refunds);
        Assert.Equal(await FromLedger(EntryTypes.AdminCorrection), apr.Corrections);
        Assert.Equal(await FromLedger(EntryTypes.Bonus, EntryTypes.ContractGrant, EntryTypes.BonusGrant), apr.Grants);
        Assert.Equal(-(Money.FromCents(42) + new Money(420_000_001)), apr.Storage);
        Assert.Equal(await FromLedger(EntryTypes.StorageBilling), apr.Storage);
        Assert.Equal((-Money.FromDollars(20), -Money.FromDollars(25), Money.FromDollars(25)), (apr.PaymentRefunds, apr.Disputes, apr.DisputeReversals));
        Assert.Equal((Money.FromCents(400), Money.FromDollars(125), Money.FromDollars(49)), (apr.Fees, apr.Purchased, apr.Grants));
        Assert.True(apr.CreditsUsed > Money.FromCents(135));

        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(new Money(await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Balance).SingleAsync(Ct)), apr.ClosingBalance);
        // The summary's total cost reads the same categories: usage and storage, nothing else.
        Assert.Equal(apr.CreditsUsed - apr.Storage, (await Usage.GetSummaryAsync(accountId, April, Ct)).TotalCost);
    }

    [Fact]
    public async Task Invoice_CreditsUsed_IsTheMonthsNetOfHoldsAndUsageDebits()
    {
        var h = await WriteHistoryAsync();
        var feb = await Statements.GetStatementAsync(h.AccountId, February, Ct);
        var mar = await Statements.GetStatementAsync(h.AccountId, March, Ct);

        foreach (var (invoice, month) in new[] { (feb, February), (mar, March) })
        {
            long net = 0;
            foreach (var type in CreditTypes)
                net += (await LedgerSumAsync(h.AccountId, month, type)).Amount;
            Assert.Equal(new Money(-net), invoice.CreditsUsed);
        }

        // Independently of the ledger: the calls' own costs, the hold still open and the usage debits. The call reserved
        // on Feb 28 and settled on Mar 1 counts its hold in February and its true-up in March.
        var late = h.Calls.Single(c => c.ReservedAt < March.Start && c.CompletedAt >= March.Start);
        var februaryCosts = Sum(h.Calls.Where(c => c.CompletedAt < March.Start).Select(c => c.Cost));
        Assert.Equal(februaryCosts + late.Held - h.Posted(February, EntryTypes.UsageDebit), feb.CreditsUsed);
        var marchCosts = Sum(h.Calls.Where(c => c.CompletedAt >= March.Start).Select(c => c.Cost));
        Assert.Equal(marchCosts - late.Held + h.OpenHold!.Value.Held - h.Posted(March, EntryTypes.UsageDebit), mar.CreditsUsed);
        Assert.True(h.OpenHold.Value.Held.Units > 0);
    }

    [Fact]
    public async Task Invoice_OfAMonthWithoutEntries_CarriesThePreviousClosingBalance()
    {
        var h = await WriteHistoryAsync();
        var mar = await Statements.GetStatementAsync(h.AccountId, March, Ct);
        var apr = await Statements.GetStatementAsync(h.AccountId, April, Ct);
        var jan = await Statements.GetStatementAsync(h.AccountId, new BillingMonth(2026, 1), Ct);

        Assert.Equal((mar.ClosingBalance, mar.ClosingBalance), (apr.OpeningBalance, apr.ClosingBalance));
        Assert.Empty(apr.Lines);
        Assert.Equal((Money.Zero, Money.Zero, Money.Zero), (apr.CreditsUsed, apr.Purchased, apr.Fees));
        Assert.Equal((Money.Zero, Money.Zero), (jan.OpeningBalance, jan.ClosingBalance));
        Assert.Empty(jan.Lines);
        Assert.True(mar.ClosingBalance.Units > 0);
    }

    [Fact]
    public async Task MonthBoundary_EntryAtMidnight_BelongsToTheMonthItStarts()
    {
        Db.RequireAvailable();
        var accountId = await Db.CreateAccountAsync();
        Clock.SetUtcNow(new DateTimeOffset(2026, 2, 10, 9, 0, 0, TimeSpan.Zero));
        Ok(await Ledger.PostAsync(new PostRequest(accountId, EntryTypes.Topup, Money.FromDollars(5), "Top-up", Tester), Ct));
        Clock.SetUtcNow(March.Start);
        Ok(await Ledger.PostAsync(new PostRequest(accountId, EntryTypes.StorageBilling, -Money.FromCents(30), "Storage", Tester), Ct));

        var feb = await Statements.GetStatementAsync(accountId, February, Ct);
        var mar = await Statements.GetStatementAsync(accountId, March, Ct);

        Assert.Equal((Money.Zero, Money.FromDollars(5)), (feb.OpeningBalance, feb.ClosingBalance));
        Assert.Equal([EntryTypes.Topup], feb.Lines.Select(l => l.Type));
        Assert.Equal((Money.FromDollars(5), Money.FromCents(470)), (mar.OpeningBalance, mar.ClosingBalance));
        Assert.Equal([new StatementLine(EntryTypes.StorageBilling, 1, -Money.FromCents(30))], mar.Lines);
        Assert.Equal(Money.Zero, (await Usage.GetSummaryAsync(accountId, February, Ct)).TotalCost);
        Assert.Equal(Money.FromCents(30), (await Usage.GetSummaryAsync(accountId, March, Ct)).TotalCost);
    }

    [Fact]
    public async Task StatementMonths_AreTheMonthsWithEntries_NewestFirst()
    {
        var h = await WriteHistoryAsync();
        Clock.SetUtcNow(new DateTimeOffset(2026, 6, 3, 9, 0, 0, TimeSpan.Zero));
        Ok(await Ledger.PostAsync(new PostRequest(h.AccountId, EntryTypes.Bonus, Money.FromCents(1), "June bonus", Tester), Ct));
        var empty = await Db.CreateAccountAsync();

        Assert.Equal([new BillingMonth(2026, 6), March, February], await Statements.GetStatementMonthsAsync(h.AccountId, Ct));
        Assert.Empty(await Statements.GetStatementMonthsAsync(empty, Ct));
    }

    /// <summary>An account topped up with $5, then a second entry of <paramref name="type"/> for $1 written behind the
    /// writer's back with <paramref name="balanceAfter"/> (and its day total when <paramref name="withDayTotal"/>).</summary>
    private async Task<long> ForgeSecondEntryAsync(string type, Money balanceAfter, bool withDayTotal)
    {
        Db.RequireAvailable();
        var accountId = await Db.CreateAccountAsync();
        Ok(await Ledger.PostAsync(new PostRequest(accountId, EntryTypes.Topup, Money.FromDollars(5), "Top-up", Tester), Ct));
        Clock.Advance(TimeSpan.FromMinutes(1));
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        db.LedgerEntries.Add(new LedgerEntry
        {
            AccountId = accountId, Sequence = 2, Type = type, Amount = Money.FromDollars(1).Units, BalanceAfter = balanceAfter.Units,
            CreatedAt = Now, Description = "forged", Source = EntrySources.Admin, Actor = "tests",
        });
        if (withDayTotal)
            db.LedgerDayTotals.Add(new LedgerDayTotal
            {
                AccountId = accountId, Day = DateOnly.FromDateTime(Now), Type = type, Entries = 1, Amount = Money.FromDollars(1).Units,
            });
        await db.SaveChangesAsync(Ct);
        return accountId;
    }

    [Fact]
    public async Task Invoice_LedgerDoesNotTieOut_Throws()
    {
        // A forged entry whose balance_after skips its amount: exactly what rule 1 forbids.
        var accountId = await ForgeSecondEntryAsync(EntryTypes.Bonus, Money.FromDollars(7), withDayTotal: false);

        var error = await Assert.ThrowsAsync<StatementMismatchException>(() => Statements.GetStatementAsync(accountId, February, Ct));
        Assert.Contains("does not tie out", error.Message);
    }

    [Fact]
    public async Task Invoice_EntryWithoutACategory_Throws()
    {
        // An entry of a type the ledger does not know, with a consistent balance and day total: the lines would tie
        // out, but no headline figure would hold it.
        var accountId = await ForgeSecondEntryAsync("mystery", Money.FromDollars(6), withDayTotal: true);

        var error = await Assert.ThrowsAsync<StatementMismatchException>(() => Statements.GetStatementAsync(accountId, BillingMonth.Of(Now), Ct));
        Assert.Contains("unknown type 'mystery'", error.Message);
    }

    [Theory]
    [InlineData("2026-03", true)]
    [InlineData("0001-01", true)]
    [InlineData("2026-3", false)]
    [InlineData("2026-13", false)]
    [InlineData("2026-00", false)]
    [InlineData("26-03", false)]
    [InlineData("2026/03", false)]
    [InlineData("+026-03", false)]
    [InlineData("2026-03-01", false)]
    [InlineData("9999-01", false)]
    [InlineData("", false)]
    public void BillingMonth_ParsesOnlyYyyyMm(string text, bool valid)
    {
        Assert.Equal(valid, BillingMonth.TryParse(text, out var month));
        if (valid)
            Assert.Equal(text, month.ToString());
    }
}
