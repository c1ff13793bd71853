using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Auth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>An owner sets an account budget on the budgets page in Chromium, the gateway spends past it through the
/// metering API and is refused with budget_exceeded, and the page shows the budget used up and why calls are refused;
/// an owner changes a budget's amount in place with the keyboard.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class BudgetsBrowserTests(BrowserSession browser, OidcConsole oidc) : IClassFixture<OidcConsole>
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Budgets_OwnerSetsABudget_SpendsPastIt_SeesTheRefusalAndTheBudgetUsedUp()
    {
        var (account, keyId, _) = await oidc.Console.CreateCustomerAsync(Money.FromDollars(5));
        var ownerEmail = $"bea-{Guid.NewGuid():N}"[..12] + "@example.test";
        await oidc.Console.CreateUserAsync(ownerEmail, Roles.Customer, account);
        var page = await browser.NewPageAsync(oidc.BaseAddress);
        await page.GotoAsync(oidc.Provider.LoginUrl($"sub-{ownerEmail}", ownerEmail, "Bea Owner"));
        await page.GotoAsync(new Uri(oidc.BaseAddress, "/budgets").ToString());
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/budgets" && new Uri(url).Port == oidc.BaseAddress.Port);
        await ConsolePages.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("no-budgets")).ToBeVisibleAsync();

        // The defaults are the whole account and a month.
        await page.Locator("#budget-amount").FillAsync("0.001");
        await page.GetByTestId("add-budget").ClickAsync();
        var budget = page.GetByTestId("budget");
        await Assertions.Expect(budget.GetByTestId("budget-scope")).ToHaveTextAsync("Whole account");
        await Assertions.Expect(budget.GetByTestId("budget-figures")).ToContainTextAsync("$0.00 of $0.001 spent");

        // One call fits its hold, then costs more than the whole budget; the next one is refused.
        using var gateway = oidc.Console.Client(oidc.Console.Services.GetRequiredService<IConfiguration>()["Demo:MeteringToken"]);
        Task<HttpResponseMessage> ReserveAsync() => gateway.PostAsJsonAsync("/v1/meter/reservations", new
        {
            idempotency_key = Guid.NewGuid().ToString("N"), api_key_id = keyId, model = "gpt-4o-mini", max_input_tokens = 2_000, max_output_tokens = 500,
        }, Ct);
        var reserved = await ReserveAsync();
        reserved.EnsureSuccessStatusCode();
        var reservationId = JsonDocument.Parse(await reserved.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("reservation_id").GetInt64();
        (await gateway.PostAsJsonAsync($"/v1/meter/reservations/{reservationId}/settle", new
        {
            input_tokens = 1_200, output_tokens = 3_000, cached_tokens = 0, status = "success", latency_ms = 900, ttfb_ms = 120, streaming = false,
            provider = "openai",
        }, Ct)).EnsureSuccessStatusCode();
        var refused = await ReserveAsync();
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("budget_exceeded", problem.GetProperty("code").GetString());
        Assert.Equal("monthly", problem.GetProperty("period").GetString());

        await page.ReloadAsync();
        await ConsolePages.WaitForCircuitAsync(page);
        await Assertions.Expect(budget.GetByTestId("budget-figures")).ToContainTextAsync("$0.00 left");
        await Assertions.Expect(budget.GetByTestId("budget-refusing")).ToContainTextAsync("refused with budget_exceeded until");
        // The call cost more than its hold: past 100 %.
        await Assertions.Expect(budget.GetByTestId("budget-progress")).ToHaveAttributeAsync("data-percent", new System.Text.RegularExpressions.Regex("^[1-9][0-9]{2,}$"));
        await ConsolePages.ScreenshotAsync(page, "budgets-used-up");
    }

    [Fact]
    public async Task Budgets_OwnerChangesTheAmount_TheRowShowsIt()
    {
        var (account, _, _) = await oidc.Console.CreateCustomerAsync(Money.FromDollars(5));
        var ownerEmail = $"bed-{Guid.NewGuid():N}"[..12] + "@example.test";
        await oidc.Console.CreateUserAsync(ownerEmail, Roles.Customer, account);
        var page = await browser.NewPageAsync(oidc.BaseAddress);
        await page.GotoAsync(oidc.Provider.LoginUrl($"sub-{ownerEmail}", ownerEmail, "Bea Owner"));
        await page.GotoAsync(new Uri(oidc.BaseAddress, "/budgets").ToString());
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/budgets" && new Uri(url).Port == oidc.BaseAddress.Port);
        await ConsolePages.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("no-budgets")).ToBeVisibleAsync();
        await page.Locator("#budget-amount").FillAsync("20");
        await page.GetByTestId("add-budget").ClickAsync();
        var budget = page.GetByTestId("budget");
        await Assertions.Expect(budget.GetByTestId("budget-figures")).ToContainTextAsync("$0.00 of $20.00 spent");

        // Keyboard only: the edit button opens the form with the field focused, Enter saves.
        await budget.GetByRole(AriaRole.Button, new() { Name = "Edit amount" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var amount = page.Locator("#budget-edit-amount");
        await Assertions.Expect(amount).ToBeFocusedAsync();
        await Assertions.Expect(amount).ToHaveValueAsync("20.00");
        await amount.FillAsync("abc");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(budget.GetByTestId("edit-budget-form")).ToContainTextAsync("Enter the amount in USD");
        await ConsolePages.ScreenshotAsync(page, "budgets-edit-amount");
        await amount.FillAsync("75.5");
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(budget.GetByTestId("budget-figures")).ToContainTextAsync("$0.00 of $75.50 spent");
        await Assertions.Expect(budget.GetByTestId("edit-budget-form")).ToHaveCountAsync(0);
        await page.ReloadAsync();
        await ConsolePages.WaitForCircuitAsync(page);
        await Assertions.Expect(budget.GetByTestId("budget-figures")).ToContainTextAsync("$0.00 of $75.50 spent");
    }
}
