using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Components.Billing;
using Bunit;

namespace BillingConsole.Web.Tests.Components;

public sealed class BalanceCardTests : LedgerComponentTest
{
    [Fact]
    public async Task Shows_the_formatted_balance_and_nothing_held()
    {
        var account = await CreateAccountAsync("Globex Labs");
        var last = (await SeedHistoryAsync(account, 12))[^1];

        var cut = Render<BalanceCard>(p => p.Add(x => x.AccountId, account));

        var balance = cut.WaitForElement("[data-testid=balance]");
        Assert.Equal(last.BalanceAfter.Format(), balance.TextContent.Trim());
        Assert.Equal("$0.00 held for calls in progress", cut.Find("[data-testid=held]").TextContent.Trim());
        Assert.Contains("Globex Labs", cut.Markup);
    }

    [Fact]
    public async Task Shows_the_amount_held_for_open_reservations()
    {
        var account = await CreateAccountAsync();
        await PostAsync(account, EntryTypes.Topup, Money.FromDollars(1_234), "Top-up");
        var hold = await Ledger.ReserveAsync(new ReserveRequest(account, Money.FromCents(1_250), "LLM call", new Origin(EntrySources.MeteringApi, "gateway")), Ct);
        Assert.True(hold.Succeeded, hold.Failure?.Message);

        var cut = Render<BalanceCard>(p => p.Add(x => x.AccountId, account));

        var balance = cut.WaitForElement("[data-testid=balance]");
        Assert.Equal("$1,221.50", balance.TextContent.Trim());
        Assert.Equal("$12.50 held for calls in progress", cut.Find("[data-testid=held]").TextContent.Trim());
    }

    [Fact]
    public async Task An_empty_account_shows_a_zero_balance()
    {
        var account = await CreateAccountAsync();

        var cut = Render<BalanceCard>(p => p.Add(x => x.AccountId, account));

        Assert.Equal("$0.00", cut.WaitForElement("[data-testid=balance]").TextContent.Trim());
    }

    [Fact]
    public void A_failing_load_shows_a_friendly_error()
    {
        BreakTheDatabase();

        var cut = Render<BalanceCard>(p => p.Add(x => x.AccountId, 1));

        Assert.Contains("couldn't load your balance", cut.WaitForElement("[data-testid=balance-error]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=balance]"));
    }
}
