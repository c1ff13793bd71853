using System.Text.Json;
using BillingConsole.Accounting.Identity;
using BillingConsole.Web.Tests.Auth;
using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>
/// Sign-in end to end in Chromium through a real OpenID Connect provider on loopback (<see cref="OidcConsole"/>):
/// /billing → the provider's authorize endpoint → /signin-oidc → back on /billing, signed in, with the live circuit up
/// and no Content-Security-Policy violation on the way.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class OidcSignInBrowserTests(BrowserSession browser, OidcConsole oidc) : IClassFixture<OidcConsole>
{
    /// <summary>Records CSP violations in the page (reported by the browser, whatever the console says).</summary>
    private const string CspRecorder =
        "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));";

    private async Task<(IPage Page, List<string> Violations)> NewPageAsync()
    {
        var page = await browser.NewPageAsync(oidc.BaseAddress);
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                violations.Add(message.Text);
        };
        await page.AddInitScriptAsync(CspRecorder);
        return (page, violations);
    }

    private static async Task AssertNoCspViolationsAsync(IPage page, List<string> violations)
    {
        if (page.Url.StartsWith("http", StringComparison.Ordinal))
            violations.AddRange(await page.EvaluateAsync<string[]>("() => window.__cspViolations ?? []"));
        Assert.True(violations.Count == 0, "CSP violations:\n" + string.Join("\n", violations));
    }

    /// <summary>Chooses who the provider signs in, then opens <paramref name="path"/> and follows the sign-in round trip.</summary>
    private async Task SignInAsync(IPage page, string email, string name, string path = "/billing", string expectedPath = "/billing", params string[] roles)
    {
        await page.GotoAsync(oidc.Provider.LoginUrl($"sub-{email}", email, name, roles));
        await page.GotoAsync(new Uri(oidc.BaseAddress, path).ToString());
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == expectedPath && new Uri(url).Port == oidc.BaseAddress.Port);
    }

    private async Task<(long AccountId, string Email)> CustomerAsync(string accountName)
    {
        var account = await oidc.Console.CreateAccountAsync(accountName);
        var email = $"oidc-{Guid.NewGuid():N}@example.test";
        await oidc.Console.CreateUserAsync(email, Roles.Customer, account);
        return (account, email);
    }

    private static async Task<(int Status, JsonElement? Json)> GetJsonAsync(IPage page, string path)
    {
        var response = await page.Context.APIRequest.GetAsync(path);
        var text = await response.TextAsync();
        return (response.Status, text.StartsWith('{') ? JsonDocument.Parse(text).RootElement.Clone() : null);
    }

    [Fact]
    public async Task Billing_SignedOutVisitor_GoesToTheProviderAndComesBackSignedIn()
    {
        var (account, email) = await CustomerAsync("Initech");
        var (page, violations) = await NewPageAsync();
        var visited = new List<string>();
        page.FrameNavigated += (_, frame) => { if (frame == page.MainFrame) visited.Add(frame.Url); };

        await SignInAsync(page, email, "Olivia Provider");
        await ConsolePages.WaitForCircuitAsync(page);
        // An existing user keeps the name the console has for them.

        Assert.Contains(visited, url => url.StartsWith(oidc.Provider.Authority + "connect/authorize", StringComparison.Ordinal) || url.Contains("/signin-oidc"));
        await Assertions.Expect(page.GetByTestId("appbar-account")).ToContainTextAsync($"User {email}");
        await Assertions.Expect(page.GetByTestId("appbar-account")).ToContainTextAsync("Initech");
        await Assertions.Expect(page.GetByTestId("balance")).ToBeVisibleAsync();
        var (status, balance) = await GetJsonAsync(page, "/billing/balance");
        Assert.Equal(200, status);
        Assert.Equal(account, balance!.Value.GetProperty("account_id").GetInt64());
        // A page the circuit renders after navigation (MudBlazor components, dialogs) keeps working under the CSP.
        await page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/keys", StringComparison.Ordinal));
        await ConsolePages.ScreenshotAsync(page, "oidc-signed-in");
        await AssertNoCspViolationsAsync(page, violations);
    }

    [Fact]
    public async Task SignIn_ProviderRoleBillingAdmin_BecomesAdminAndNotCustomer()
    {
        var email = $"oidc-admin-{Guid.NewGuid():N}@example.test";
        var (page, violations) = await NewPageAsync();

        await SignInAsync(page, email, "Ada Admin", "/billing", "/access-denied", Roles.BillingAdmin);

        await Assertions.Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync();
        var (status, whoami) = await GetJsonAsync(page, "/admin/whoami");
        Assert.Equal(200, status);
        Assert.Contains(Roles.BillingAdmin, whoami!.Value.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(email, whoami.Value.GetProperty("email").GetString());
        Assert.Equal(JsonValueKind.Null, whoami.Value.GetProperty("account_id").ValueKind);
        // Admins are not customers of any account.
        Assert.Equal(403, (await GetJsonAsync(page, "/billing/balance")).Status);
        await AssertNoCspViolationsAsync(page, violations);
    }

    [Fact]
    public async Task AdminEndpoints_CustomerWithoutTheProviderRole_AreForbidden()
    {
        var (_, email) = await CustomerAsync("Hooli");
        var (page, _) = await NewPageAsync();

        await SignInAsync(page, email, "Carl Customer", "/billing", "/billing", "auditor");

        Assert.Equal(403, (await GetJsonAsync(page, "/admin/whoami")).Status);
        Assert.Equal(200, (await GetJsonAsync(page, "/billing/balance")).Status);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    public async Task SignIn_ReturnUrlOffTheSite_LandsOnBilling(string returnUrl)
    {
        var (_, email) = await CustomerAsync("Umbrella");
        var (page, _) = await NewPageAsync();

        await SignInAsync(page, email, "Rita Redirect", $"/auth/signin?returnUrl={Uri.EscapeDataString(returnUrl)}");

        Assert.Equal(oidc.BaseAddress.Authority, new Uri(page.Url).Authority);
        Assert.Equal("/billing", new Uri(page.Url).AbsolutePath);
    }

    [Fact]
    public async Task AccountSwitcher_AnotherAccount_MovesTheSession()
    {
        var first = await oidc.Console.CreateAccountAsync("Aperture");
        var second = await oidc.Console.CreateAccountAsync("Black Mesa");
        var email = $"oidc-two-{Guid.NewGuid():N}@example.test";
        await oidc.Console.CreateUserAsync(email, Roles.Customer, first, second);
        var (page, violations) = await NewPageAsync();
        await SignInAsync(page, email, "Gordon Member");
        await ConsolePages.WaitForCircuitAsync(page);

        await page.GetByTestId("account-switcher").GetByRole(AriaRole.Button).First.ClickAsync();
        var option = page.GetByTestId("switch-account-option").Filter(new() { HasText = "Black Mesa" });
        await Assertions.Expect(option).ToBeVisibleAsync();
        await ConsolePages.ScreenshotAsync(page, "account-switcher-open");
        await option.ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/billing", StringComparison.Ordinal));
        await ConsolePages.WaitForCircuitAsync(page);

        await Assertions.Expect(page.GetByTestId("account-switcher")).ToContainTextAsync("Black Mesa");
        var (_, balance) = await GetJsonAsync(page, "/billing/balance");
        Assert.Equal(second, balance!.Value.GetProperty("account_id").GetInt64());
        await ConsolePages.ScreenshotAsync(page, "account-switcher");
        await AssertNoCspViolationsAsync(page, violations);
    }

    [Fact]
    public async Task SignOut_SignedIn_EndsTheSessionHereAndAtTheProvider()
    {
        var (_, email) = await CustomerAsync("Soylent");
        var (page, violations) = await NewPageAsync();
        await SignInAsync(page, email, "Sam Signout");
        await ConsolePages.WaitForCircuitAsync(page);
        var endSessions = oidc.Provider.EndSessions;

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).First.ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/signin" && new Uri(url).Port == oidc.BaseAddress.Port);

        Assert.Equal(endSessions + 1, oidc.Provider.EndSessions);
        await Assertions.Expect(page.GetByTestId("signed-out")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("signin-oidc")).ToBeVisibleAsync();
        await ConsolePages.ScreenshotAsync(page, "oidc-signed-out");
        Assert.Equal(401, (await GetJsonAsync(page, "/billing/balance")).Status);
        await AssertNoCspViolationsAsync(page, violations);
    }
}
