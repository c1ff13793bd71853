using System.Globalization;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using BillingConsole.Web.Components.Billing;
using BillingConsole.Web.Components.Pages;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Tests.Components;

public sealed class BillingPageTests : LedgerComponentTest
{
    /// <summary>The overview shows auto-recharge (development mode: no payment gateway).</summary>
    public BillingPageTests() =>
        Services.AddSingleton(new AutoRechargeControls(new PaymentAccounts(Factory, Clock), new CreditPackages(Options.Create(new PaymentsOptions())),
            new DevelopmentPaymentGateway(new PaymentPostings(Ledger, Factory))));

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    [Fact]
    public async Task BillingPage_Opened_ShowsOverviewWithTheClaimedAccountsBalance()
    {
        var other = await CreateAccountAsync("Someone Else");
        await PostAsync(other, EntryTypes.Topup, Money.FromDollars(9_999), "Not yours");
        var account = await CreateAccountAsync("Acme Robotics");
        var history = await SeedHistoryAsync(account, 60);
        SignInAs(account);

        var cut = Render<BillingPage>();

        Assert.Equal(BillingFormat.Cents(history[^1].BalanceAfter), cut.WaitForElement("[data-testid=balance]").TextContent.Trim());
        Assert.Equal("true", cut.Find("[data-testid=tab-overview] [role=tab]").GetAttribute("aria-selected"));
        Assert.Equal("false", cut.Find("[data-testid=tab-transactions] [role=tab]").GetAttribute("aria-selected"));
        cut.WaitForElement("[data-testid=summary-total-cost]");
        cut.WaitForElement("[data-testid=savings-saved]");
        Assert.Equal("Off", cut.WaitForElement("[data-testid=auto-recharge-state]").TextContent.Trim());
        Assert.NotNull(cut.Find("[data-testid=runway]"));
        // Other tabs load only once opened.
        Assert.Empty(cut.FindAll("[data-testid=panel-transactions]"));
        Assert.Empty(cut.FindAll("[data-testid=tx-row]"));
        Assert.Empty(cut.FindAll("[data-testid=usage]"));
        Assert.Null(cut.Find("[data-testid=tab-transactions] [role=tab]").GetAttribute("aria-controls"));
        Assert.Equal("billing-panel-overview", cut.Find("[data-testid=tab-overview] [role=tab]").GetAttribute("aria-controls"));
        Assert.DoesNotContain("Not yours", cut.Markup);
    }

    [Fact]
    public async Task BillingPage_TabInQueryString_OpensTransactions()
    {
        var account = await CreateAccountAsync("Acme Robotics");
        var history = await SeedHistoryAsync(account, 60);
        SignInAs(account);
        Navigation.NavigateTo("/billing?tab=transactions");

        var cut = Render<BillingPage>();

        cut.WaitForAssertion(() => Assert.Equal(50, cut.FindAll("[data-testid=tx-row]").Count));
        Assert.Equal(history[^1].EntryId.ToString(CultureInfo.InvariantCulture), cut.Find("[data-testid=tx-row]").GetAttribute("data-entry-id"));
        Assert.NotNull(cut.Find("[data-testid=load-more]"));
        Assert.Equal("true", cut.Find("[data-testid=tab-transactions] [role=tab]").GetAttribute("aria-selected"));
        Assert.Empty(cut.FindAll("[data-testid=balance]"));
    }

    [Fact]
    public async Task BillingPage_SwitchingTabs_PutsTabInAddressAndKeepsVisitedTabs()
    {
        var (account, _) = await SeedUsageAsync();
        SignInAs(account);
        Navigation.NavigateTo("/billing");

        var cut = Render<BillingPage>();
        cut.WaitForElement("[data-testid=balance]");

        await cut.Find("[data-testid=tab-usage] [role=tab]").ClickAsync(new());

        cut.WaitForElement("[data-testid=usage-table]");
        Assert.EndsWith("/billing?tab=usage", Navigation.Uri, StringComparison.Ordinal);
        cut.WaitForElement("[data-testid=chart-spend-over-time]");
        Assert.NotEmpty(cut.FindAll("[data-testid=balance]"));

        await cut.Find("[data-testid=tab-overview] [role=tab]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.EndsWith("/billing", Navigation.Uri, StringComparison.Ordinal));
        Assert.Equal("true", cut.Find("[data-testid=tab-overview] [role=tab]").GetAttribute("aria-selected"));
        // The usage panel is kept, hidden by MudBlazor's panel classes.
        Assert.Equal("mud-tab-panel", cut.Find("[data-testid=panel-usage]").GetAttribute("class"));
        Assert.Equal("mud-tab-panel mud-tab-panel-active", cut.Find("[data-testid=panel-overview]").GetAttribute("class"));
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData("overview", 0)]
    [InlineData("transactions", 1)]
    [InlineData("Usage", 2)]
    [InlineData("nonsense", 0)]
    public void TabNames_EachName_MapsToItsPanel(string? tab, int index) => Assert.Equal(index, BillingPage.IndexOf(tab));

    [Fact]
    public void BillingPage_UserWithoutAccount_GetsAnExplanationNotAnotherLedger()
    {
        SignInAs(accountId: null);

        var cut = Render<BillingPage>();

        cut.WaitForElement("[data-testid=no-account]");
        Assert.Empty(cut.FindAll("[data-testid=balance]"));
        Assert.Empty(cut.FindAll("[data-testid=tx-row]"));
    }
}
