using System.Net.Http.Json;
using System.Text.Json;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Auth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>The console with its alert evaluator running every half second (the default is 30 s).</summary>
public sealed class AlertsOidcConsole : OidcConsole
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
        [new("Alerts:EvaluationInterval", "00:00:00.5"), new("Alerts:DispatchInterval", "00:00:00.5")];
}

/// <summary>An owner sets "balance below" on the alerts page in Chromium, the gateway spends past it through the
/// metering API, and the page shows the rule firing and the alert in the history.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class AlertsBrowserTests(BrowserSession browser, AlertsOidcConsole oidc) : IClassFixture<AlertsOidcConsole>
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Alerts_OwnerSetsBalanceBelow_SpendsPastIt_SeesTheAlertFiring()
    {
        var (account, keyId, _) = await oidc.Console.CreateCustomerAsync(Money.FromDollars(1));
        var ownerEmail = $"olga-{Guid.NewGuid():N}"[..13] + "@example.test";
        await oidc.Console.CreateUserAsync(ownerEmail, Roles.Customer, account);
        var page = await browser.NewPageAsync(oidc.BaseAddress);
        await page.GotoAsync(oidc.Provider.LoginUrl($"sub-{ownerEmail}", ownerEmail, "Olga Owner"));
        await page.GotoAsync(new Uri(oidc.BaseAddress, "/alerts").ToString());
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/alerts" && new Uri(url).Port == oidc.BaseAddress.Port);
        await ConsolePages.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("no-rules")).ToBeVisibleAsync();

        // The default kind is "Balance below"; $1.00 is the balance, so any spending crosses it.
        await page.Locator("#rule-threshold").FillAsync("1");
        await page.GetByTestId("add-rule").ClickAsync();
        var rule = page.GetByTestId("alert-rule");
        await Assertions.Expect(rule).ToContainTextAsync("Balance below $1.00");
        await Assertions.Expect(rule.GetByTestId("rule-state")).ToHaveTextAsync("Armed");
        await Assertions.Expect(rule.GetByTestId("rule-state")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-chip-color-success"));
        await Assertions.Expect(page.GetByTestId("no-events")).ToBeVisibleAsync();

        using var gateway = oidc.Console.Client(oidc.Console.Services.GetRequiredService<IConfiguration>()["Demo:MeteringToken"]);
        var reserved = await gateway.PostAsJsonAsync("/v1/meter/reservations", new
        {
            idempotency_key = Guid.NewGuid().ToString("N"), api_key_id = keyId, model = "gpt-4o-mini", max_input_tokens = 2_000, max_output_tokens = 500,
        }, Ct);
        reserved.EnsureSuccessStatusCode();
        var reservationId = JsonDocument.Parse(await reserved.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("reservation_id").GetInt64();
        (await gateway.PostAsJsonAsync($"/v1/meter/reservations/{reservationId}/settle", new
        {
            input_tokens = 1_200, output_tokens = 300, cached_tokens = 0, status = "success", latency_ms = 900, ttfb_ms = 120, streaming = false,
            provider = "openai",
        }, Ct)).EnsureSuccessStatusCode();

        await Assertions.Expect(rule.GetByTestId("rule-state")).ToHaveTextAsync("Firing", new() { Timeout = 30_000 });
        // The colour follows the state on the same open page.
        await Assertions.Expect(rule.GetByTestId("rule-state")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-chip-color-error"));
        var fired = page.Locator("[data-testid='alert-event'][data-transition='fired']");
        await Assertions.Expect(fired).ToHaveCountAsync(1);
        await Assertions.Expect(fired.GetByTestId("alert-message")).ToContainTextAsync("below your alert level of $1.00");
        await Assertions.Expect(page.GetByTestId("delivery")).ToContainTextAsync(ownerEmail);
        await ConsolePages.ScreenshotAsync(page, "alerts-firing");
    }
}
