using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Components.Pages;
using Bunit;

namespace BillingConsole.Web.Tests.Components;

public sealed class BillingPageTests : LedgerComponentTest
{
    [Fact]
    public async Task Shows_the_balance_and_history_of_the_account_in_the_users_claims()
    {
        var other = await CreateAccountAsync("Someone Else");
        await PostAsync(other, EntryTypes.Topup, Money.FromDollars(9_999), "Not yours");
        var account = await CreateAccountAsync("Acme Robotics");
        var history = await SeedHistoryAsync(account, 60);
        SignInAs(account);

        var cut = Render<BillingPage>();

        Assert.Equal(history[^1].BalanceAfter.Format(), cut.WaitForElement("[data-testid=balance]").TextContent.Trim());
        cut.WaitForAssertion(() => Assert.Equal(50, cut.FindAll("[data-testid=tx-row]").Count));
        Assert.Equal(history[^1].EntryId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            cut.Find("[data-testid=tx-row]").GetAttribute("data-entry-id"));
        Assert.DoesNotContain("Not yours", cut.Markup);
        Assert.NotNull(cut.Find("[data-testid=load-more]"));
    }

    [Fact]
    public void A_user_without_an_account_gets_an_explanation_not_someone_elses_ledger()
    {
        SignInAs(accountId: null);

        var cut = Render<BillingPage>();

        cut.WaitForElement("[data-testid=no-account]");
        Assert.Empty(cut.FindAll("[data-testid=balance]"));
        Assert.Empty(cut.FindAll("[data-testid=tx-row]"));
    }
}
