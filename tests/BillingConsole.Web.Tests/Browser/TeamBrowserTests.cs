using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Auth;
using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>
/// The team page end to end in Chromium, signed in through the loopback OpenID provider: an owner invites a person by
/// email, that person signs in with the address verified and sees the account's balance, and the owner removes them;
/// an admin creates an account and invites its first owner from the admin console.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class TeamBrowserTests(BrowserSession browser, OidcConsole oidc) : IClassFixture<OidcConsole>
{
    private async Task SignInAsync(IPage page, string email, string name)
    {
        await page.GotoAsync(oidc.Provider.LoginUrl($"sub-{email}", email, name));
        await page.GotoAsync(new Uri(oidc.BaseAddress, "/billing").ToString());
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/billing" && new Uri(url).Port == oidc.BaseAddress.Port);
        await ConsolePages.WaitForCircuitAsync(page);
    }

    // MudTextField puts the test id on the input itself.
    private static ILocator EmailInput(IPage page) =>
        page.Locator("input[data-testid='team-invite-email'], [data-testid='team-invite-email'] input").First;

    [Fact]
    public async Task Team_OwnerInvites_InviteeSignsInAndSeesTheBalance_OwnerRemovesThem()
    {
        var (account, _, _) = await oidc.Console.CreateCustomerAsync(Money.FromDollars(42));
        var ownerEmail = $"olga-{Guid.NewGuid():N}"[..13] + "@example.test";
        await oidc.Console.CreateUserAsync(ownerEmail, Roles.Customer, account);
        var inviteeEmail = $"ivan-{Guid.NewGuid():N}"[..13] + "@example.test";

        var owner = await browser.NewPageAsync(oidc.BaseAddress);
        await SignInAsync(owner, ownerEmail, "Olga Owner");
        await owner.GetByRole(AriaRole.Link, new() { Name = "Team" }).ClickAsync();
        await owner.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/team");
        await Assertions.Expect(owner.GetByTestId("team-member")).ToHaveCountAsync(1);
        await Assertions.Expect(owner.GetByTestId("team-invitations-empty")).ToBeVisibleAsync();

        await owner.GetByTestId("team-invite").ClickAsync();
        await owner.GetByTestId("team-invite-send").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("team-invite-dialog")).ToContainTextAsync("Enter an email address");
        await EmailInput(owner).FillAsync(inviteeEmail.ToUpperInvariant());
        await owner.GetByTestId("team-invite-role-viewer").Locator("input").CheckAsync();
        await owner.GetByTestId("team-invite-send").ClickAsync();
        var invitation = owner.Locator($"[data-testid='team-invitation'][data-email='{inviteeEmail}']");
        await Assertions.Expect(invitation).ToContainTextAsync("Viewer");
        await ConsolePages.ScreenshotAsync(owner, "team-invited");

        await owner.GetByTestId("team-invite").ClickAsync();
        await EmailInput(owner).FillAsync(ownerEmail);
        await owner.GetByTestId("team-invite-send").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("team-invite-error")).ToContainTextAsync("already a member");
        await owner.GetByTestId("team-invite-cancel").ClickAsync();

        var invitee = await browser.NewPageAsync(oidc.BaseAddress);
        await SignInAsync(invitee, inviteeEmail, "Ivan Invitee");
        await Assertions.Expect(invitee.GetByTestId("balance")).ToContainTextAsync("42");

        await owner.ReloadAsync();
        await ConsolePages.WaitForCircuitAsync(owner);
        var member = owner.Locator($"[data-testid='team-member'][data-email='{inviteeEmail}']");
        await Assertions.Expect(member.GetByTestId("team-member-role")).ToHaveAttributeAsync("data-role", AccountRoles.Viewer);
        await Assertions.Expect(owner.GetByTestId("team-invitations-empty")).ToBeVisibleAsync();
        await ConsolePages.ScreenshotAsync(owner, "team-members");

        await member.GetByTestId("team-member-role-menu").Locator("button").First.ClickAsync();
        await owner.GetByTestId("team-make-developer").ClickAsync();
        await Assertions.Expect(member.GetByTestId("team-member-role")).ToHaveAttributeAsync("data-role", AccountRoles.Developer);

        var self = owner.Locator($"[data-testid='team-member'][data-email='{ownerEmail}']");
        await self.GetByTestId("team-member-remove").ClickAsync();
        await owner.GetByRole(AriaRole.Button, new() { Name = "Remove", Exact = true }).Last.ClickAsync();
        await Assertions.Expect(owner.Locator(".mud-snackbar", new() { HasText = "always needs an owner" })).ToBeVisibleAsync();

        await member.GetByTestId("team-member-remove").ClickAsync();
        await owner.GetByRole(AriaRole.Button, new() { Name = "Remove", Exact = true }).Last.ClickAsync();
        await Assertions.Expect(member).ToHaveCountAsync(0);
        await Assertions.Expect(owner.GetByTestId("team-member")).ToHaveCountAsync(1);

        // The removed person loses the account at their next request.
        await invitee.GotoAsync(new Uri(oidc.BaseAddress, "/billing").ToString());
        await Assertions.Expect(invitee.GetByTestId("balance")).ToHaveCountAsync(0);
        await Assertions.Expect(invitee.GetByText("not linked to a billing account")).ToBeVisibleAsync();
    }

    private static ILocator Field(IPage page, string testId) =>
        page.Locator($"input[data-testid='{testId}'], textarea[data-testid='{testId}'], [data-testid='{testId}'] input, [data-testid='{testId}'] textarea").First;

    [Fact]
    public async Task AdminAccountTeam_AdminCreatesAnAccountAndInvitesItsOwner_OwnerSignsInAndSeesTheBalance()
    {
        var adminEmail = $"ada-{Guid.NewGuid():N}"[..12] + "@example.test";
        await oidc.Console.CreateUserAsync(adminEmail, Roles.BillingAdmin);
        var ownerEmail = $"otto-{Guid.NewGuid():N}"[..13] + "@example.test";
        var name = $"Invited Labs {Guid.NewGuid():N}"[..24];

        var admin = await browser.NewPageAsync(oidc.BaseAddress);
        await admin.GotoAsync(oidc.Provider.LoginUrl($"sub-{adminEmail}", adminEmail, "Ada Admin"));
        await admin.GotoAsync(new Uri(oidc.BaseAddress, "/admin").ToString());
        await admin.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/admin" && new Uri(url).Port == oidc.BaseAddress.Port);
        await ConsolePages.WaitForCircuitAsync(admin);
        await admin.GetByTestId("admin-new-account").ClickAsync();
        await Field(admin, "admin-new-account-name").FillAsync(name);
        await Field(admin, "admin-new-account-email").FillAsync(ownerEmail);
        await Field(admin, "admin-new-account-grant").FillAsync("75");
        await Field(admin, "admin-new-account-reason").FillAsync("Welcome credit for the pilot");
        await admin.GetByTestId("admin-new-account-create").ClickAsync();
        // The dialog navigates inside the circuit (no page load): poll the address rather than wait for a load event.
        await Assertions.Expect(admin).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/accounts/[0-9]+"), new() { Timeout = 60_000 });
        await Assertions.Expect(admin.GetByTestId("admin-balance")).ToHaveTextAsync("$75.00");

        await admin.GetByRole(AriaRole.Tab, new() { Name = "Team" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("team-members-empty")).ToBeVisibleAsync();
        await admin.GetByTestId("team-invite").ClickAsync();
        await EmailInput(admin).FillAsync(ownerEmail);
        await admin.GetByTestId("team-invite-role-owner").Locator("input").CheckAsync();
        await admin.GetByTestId("team-invite-send").ClickAsync();
        await Assertions.Expect(admin.Locator($"[data-testid='team-invitation'][data-email='{ownerEmail}']")).ToContainTextAsync("Owner");
        await ConsolePages.ScreenshotAsync(admin, "admin-account-team");

        var owner = await browser.NewPageAsync(oidc.BaseAddress);
        await SignInAsync(owner, ownerEmail, "Otto Owner");
        await Assertions.Expect(owner.GetByTestId("balance")).ToContainTextAsync("75");
        await owner.GetByRole(AriaRole.Link, new() { Name = "Team" }).ClickAsync();
        var self = owner.Locator($"[data-testid='team-member'][data-email='{ownerEmail}']");
        await Assertions.Expect(self.GetByTestId("team-member-role")).ToHaveAttributeAsync("data-role", AccountRoles.Owner);
        await Assertions.Expect(owner.GetByTestId("team-invite")).ToBeVisibleAsync();
    }
}
