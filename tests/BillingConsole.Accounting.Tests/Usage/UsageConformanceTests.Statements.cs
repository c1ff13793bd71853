using BillingConsole.Accounting.Ledger;
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

    [Fact]
    public async Task Invoice_LedgerDoesNotTieOut_Throws()
    {
        Db.RequireAvailable();
        var accountId = await Db.CreateAccountAsync();
        Ok(await Ledger.PostAsync(new PostRequest(accountId, EntryTypes.Topup, Money.FromDollars(5), "Top-up", Tester), Ct));
        Clock.Advance(TimeSpan.FromMinutes(1));
        // A forged entry whose balance_after skips its amount: exactly what rule 1 forbids, written behind the writer's back.
        await using (var db = await Db.Factory.CreateDbContextAsync(Ct))
        {
            db.LedgerEntries.Add(new LedgerEntry
            {
                AccountId = accountId, Sequence = 2, Type = EntryTypes.Bonus, Amount = Money.FromDollars(1).Units, BalanceAfter = Money.FromDollars(7).Units,
                CreatedAt = Now, Description = "forged", Source = EntrySources.Admin, Actor = "tests",
            });
            await db.SaveChangesAsync(Ct);
        }

        var error = await Assert.ThrowsAsync<StatementMismatchException>(() => Statements.GetStatementAsync(accountId, February, Ct));
        Assert.Contains("does not tie out", error.Message);
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
