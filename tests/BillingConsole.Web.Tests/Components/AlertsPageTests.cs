using BillingConsole.Accounting.Alerts;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Components.Pages;
using Bunit;

namespace BillingConsole.Web.Tests.Components;

/// <summary>The alerts page on a real SQLite database: an owner's rule that already holds fires when it is added;
/// a viewer reads the rules and the history but gets no management controls.</summary>
public sealed class AlertsPageTests : MeteredComponentTest
{
    [Fact]
    public async Task AddRule_BalanceAlreadyBelow_FiresAtOnceAndListsTheAlert()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(3));
        SignInAs(account, role: AccountRoles.Owner);
        var cut = Render<AlertsPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=no-rules]"));

        await cut.InvokeAsync(() => cut.Find("#rule-threshold").Input("5"));
        await cut.Find("[data-testid=add-rule]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("Firing", cut.Find("[data-testid=rule-state]").TextContent.Trim()));
        Assert.Contains("Balance below $5.00", cut.Find("[data-testid=alert-rule]").TextContent);
        Assert.Contains("$3.00, below your alert level of $5.00", cut.Find("[data-testid=alert-message]").TextContent);
        Assert.Single(cut.FindAll("[data-testid=delivery]"));
    }

    [Fact]
    public async Task Render_AsViewer_ShowsRulesAndHistoryWithoutControls()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(3));
        // Built directly: asking the context's services would freeze them before the sign-in registers its own.
        await new AlertRules(Factory, Time).CreateAsync(account, new NewAlertRule(AlertKinds.BalanceBelow, Money.FromDollars(5).Units, null), "owner@test.example", Xunit.TestContext.Current.CancellationToken);
        await new AlertEvaluator(Factory, Time, Microsoft.Extensions.Options.Options.Create(new AlertOptions())).EvaluateAsync(account, Xunit.TestContext.Current.CancellationToken);
        SignInAs(account, role: AccountRoles.Viewer);

        var cut = Render<AlertsPage>();

        cut.WaitForAssertion(() => Assert.Equal("Firing", cut.Find("[data-testid=rule-state]").TextContent.Trim()));
        Assert.Single(cut.FindAll("[data-testid=alert-event]"));
        Assert.Empty(cut.FindAll("[data-testid=add-rule]"));
        Assert.Empty(cut.FindAll("[data-testid=delete-rule]"));
        Assert.Empty(cut.FindAll("[data-testid=webhook-endpoints]"));
        Assert.Empty(cut.FindAll("[data-testid=deliveries]"));
    }
}
