using BillingConsole.Accounting.Alerts;
using BillingConsole.Accounting.Budgets;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Components.Pages;
using Bunit;

namespace BillingConsole.Web.Tests.Components;

/// <summary>The budgets page on a real SQLite database: a developer adds a key budget and cannot touch the account's;
/// a viewer reads the budgets without controls; an amount is changed in place (only by those who may, only to a valid
/// amount); the alerts page names a budget rule by its budget.</summary>
public sealed class BudgetsPageTests : MeteredComponentTest
{
    private static CancellationToken TestCt => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddBudget_AsDeveloper_AddsAKeyBudget_AndLeavesTheAccountsAlone()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(3));
        await CreateKeyAsync(account, "prod");
        // Built directly: asking the context's services would freeze them before the sign-in registers its own.
        Assert.True((await new BudgetService(Factory, Time).CreateAsync(account, null, Money.FromDollars(50), BudgetPeriods.Monthly, "owner", TestCt)).Succeeded);
        SignInAs(account, role: AccountRoles.Developer);
        var cut = Render<BudgetsPage>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=budget]")));
        Assert.Empty(cut.FindAll("[data-testid=delete-budget]"));

        await cut.InvokeAsync(() => cut.Find("#budget-amount").Input("5"));
        await cut.Find("[data-testid=add-budget]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=budget]").Count));
        Assert.Equal(["Whole account", "Key \"prod\""], cut.FindAll("[data-testid=budget-scope]").Select(e => e.TextContent.Trim()));
        Assert.Contains("$0.00 of $5.00 spent", cut.FindAll("[data-testid=budget-figures]")[1].TextContent);
        Assert.Single(cut.FindAll("[data-testid=delete-budget]"));
    }

    [Fact]
    public async Task Render_AsViewer_ShowsTheBudgetsWithoutControls()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(3));
        Assert.True((await new BudgetService(Factory, Time).CreateAsync(account, null, Money.FromDollars(50), BudgetPeriods.Lifetime, "owner", TestCt)).Succeeded);
        SignInAs(account, role: AccountRoles.Viewer);

        var cut = Render<BudgetsPage>();

        cut.WaitForAssertion(() => Assert.Contains("Lifetime: never resets", cut.Find("[data-testid=budget-reset]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=new-budget]"));
        Assert.Empty(cut.FindAll("[data-testid=delete-budget]"));
        Assert.Empty(cut.FindAll("[data-testid=edit-budget]"));
    }

    [Fact]
    public async Task EditAmount_AsDeveloper_IsOfferedOnKeyBudgetsOnly()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(3));
        var key = await CreateKeyAsync(account, "prod");
        var budgets = new BudgetService(Factory, Time);
        Assert.True((await budgets.CreateAsync(account, null, Money.FromDollars(50), BudgetPeriods.Monthly, "owner", TestCt)).Succeeded);
        var keyBudget = (await budgets.CreateAsync(account, key.Id, Money.FromDollars(5), BudgetPeriods.Daily, "owner", TestCt)).Value!;
        SignInAs(account, role: AccountRoles.Developer);

        var cut = Render<BudgetsPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=budget]").Count));
        var edit = Assert.Single(cut.FindAll("[data-testid=edit-budget]"));
        Assert.Equal(keyBudget.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), edit.Closest("[data-testid=budget]")!.GetAttribute("data-budget-id"));
    }

    [Fact]
    public async Task EditAmount_Escape_ClosesTheFormAndWritesNothing()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(3));
        var budgets = new BudgetService(Factory, Time);
        var budget = (await budgets.CreateAsync(account, null, Money.FromDollars(50), BudgetPeriods.Monthly, "owner", TestCt)).Value!;
        SignInAs(account, role: AccountRoles.Owner);
        var cut = Render<BudgetsPage>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=edit-budget]")));

        await cut.Find("[data-testid=edit-budget]").ClickAsync(new());
        await cut.InvokeAsync(() => cut.Find("#budget-edit-amount").Input("7"));
        await cut.Find("#budget-edit-amount").KeyDownAsync(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Escape" });

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=edit-budget-form]")));
        Assert.Equal(Money.FromDollars(50), (await budgets.GetAsync(account, budget.Id, TestCt))!.Amount);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("abc")]
    [InlineData("1e3")]
    [InlineData("0.0000000001")]
    [InlineData("2000000000")]
    public async Task EditAmount_BadAmount_ShowsTheHintAndWritesNothing(string input)
    {
        var account = await CreateCustomerAsync(Money.FromDollars(3));
        var budgets = new BudgetService(Factory, Time);
        var budget = (await budgets.CreateAsync(account, null, Money.FromDollars(50), BudgetPeriods.Monthly, "owner", TestCt)).Value!;
        SignInAs(account, role: AccountRoles.Owner);
        var cut = Render<BudgetsPage>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=edit-budget]")));

        await cut.Find("[data-testid=edit-budget]").ClickAsync(new());
        Assert.Equal("50.00", cut.Find("#budget-edit-amount").GetAttribute("value"));
        await cut.InvokeAsync(() => cut.Find("#budget-edit-amount").Input(input));
        await cut.Find("form[data-testid=edit-budget-form]").SubmitAsync();

        cut.WaitForAssertion(() => Assert.Contains("Enter the amount in USD", cut.Find("[data-testid=edit-budget-form]").TextContent));
        Assert.Equal(Money.FromDollars(50), (await budgets.GetAsync(account, budget.Id, TestCt))!.Amount);
        Assert.Contains("$0.00 of $50.00 spent", cut.Find("[data-testid=budget-figures]").TextContent);
    }

    [Fact]
    public async Task EditAmount_GoodAmount_UpdatesTheBudgetAndTheRow()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(3));
        var budgets = new BudgetService(Factory, Time);
        var budget = (await budgets.CreateAsync(account, null, Money.FromDollars(50), BudgetPeriods.Monthly, "owner", TestCt)).Value!;
        SignInAs(account, role: AccountRoles.Owner);
        var cut = Render<BudgetsPage>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=edit-budget]")));

        await cut.Find("[data-testid=edit-budget]").ClickAsync(new());
        await cut.InvokeAsync(() => cut.Find("#budget-edit-amount").Input("$1,234.5"));
        await cut.Find("form[data-testid=edit-budget-form]").SubmitAsync();

        cut.WaitForAssertion(() => Assert.Contains("$0.00 of $1,234.50 spent", cut.Find("[data-testid=budget-figures]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=edit-budget-form]"));
        Assert.Equal(Money.FromDollars(1234) + Money.FromCents(50), (await budgets.GetAsync(account, budget.Id, TestCt))!.Amount);
    }

    [Fact]
    public async Task AlertsPage_BudgetRule_IsNamedByItsBudget()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(3));
        var budget = (await new BudgetService(Factory, Time).CreateAsync(account, null, Money.FromDollars(10), BudgetPeriods.Weekly, "owner", TestCt)).Value!;
        var (rule, error) = await new AlertRules(Factory, Time).CreateAsync(account, new NewAlertRule(AlertKinds.Budget, 80, budget.Id), "owner", TestCt);
        Assert.True(rule is not null, error);
        SignInAs(account, role: AccountRoles.Viewer);

        var cut = Render<AlertsPage>();

        cut.WaitForAssertion(() => Assert.Contains("Weekly budget of $10.00 at 80 %", cut.Find("[data-testid=alert-rule]").TextContent));
    }
}
