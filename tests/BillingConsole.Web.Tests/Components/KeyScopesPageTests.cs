using AngleSharp.Dom;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Components.Pages;
using Bunit;
using MudBlazor;

namespace BillingConsole.Web.Tests.Components;

/// <summary>/keys shows each key's scopes and expiry, and its create dialog stores the scopes and expiry date picked,
/// over the real <see cref="ApiKeyService"/>.</summary>
public sealed class KeyScopesPageTests : MeteredComponentTest
{
    private (IRenderedComponent<KeysPage> Page, IRenderedComponent<MudDialogProvider> Dialogs) Open(long account)
    {
        SignInAs(account);
        var dialogs = RenderDialogs();
        return (Render<KeysPage>(), dialogs);
    }

    private static IElement Row(IRenderedComponent<KeysPage> cut, long keyId) => cut.Find($"[data-testid=key-row][data-key-id='{keyId}']");

    private static string Cell(IElement row, string testId) => row.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();

    private static List<string> ScopeChips(IElement row) => row.QuerySelectorAll("[data-testid=key-scope]").Select(c => c.TextContent.Trim()).ToList();

    private async Task<ApiKeyView> KeyAsync(long account, string name, IReadOnlyCollection<string>? scopes, DateTime? expiresAt)
    {
        var created = await KeyService.CreateAsync(account, name, null, scopes, expiresAt, Ct);
        Assert.True(created.Succeeded, created.Failure?.Message);
        return created.Value!.Key;
    }

    [Fact]
    public async Task KeysPage_KeysWithScopesAndExpiry_ShowsThemAndMarksTheExpiredOne()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(10));
        var now = Time.GetUtcNow().UtcDateTime;
        var standard = await KeyAsync(account, "Gateway", null, null);
        var manager = await KeyAsync(account, "Key rotation bot", [ApiKeyScopes.KeysWrite, ApiKeyScopes.BillingRead], now.Date.AddDays(30));
        var shortLived = await KeyAsync(account, "Contractor", [ApiKeyScopes.Inference], now.AddDays(1));
        Time.Advance(TimeSpan.FromDays(2));

        var (cut, _) = Open(account);

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=key-row]").Count));
        var gateway = Row(cut, standard.Id);
        Assert.Equal([ApiKeyScopes.Inference, ApiKeyScopes.BillingRead], ScopeChips(gateway));
        Assert.Equal(("Never", "Active"), (Cell(gateway, "key-expires"), Cell(gateway, "key-status")));
        var bot = Row(cut, manager.Id);
        Assert.Equal([ApiKeyScopes.BillingRead, ApiKeyScopes.KeysWrite], ScopeChips(bot));
        Assert.Equal(("2026-04-09 00:00", "Active"), (Cell(bot, "key-expires"), Cell(bot, "key-status")));
        var expired = Row(cut, shortLived.Id);
        Assert.Equal([ApiKeyScopes.Inference], ScopeChips(expired));
        Assert.Equal(("2026-03-11 12:00", "Expired"), (Cell(expired, "key-expires"), Cell(expired, "key-status")));
        Assert.Equal("expired", expired.QuerySelector("[data-testid=key-status]")!.GetAttribute("data-status"));
        Assert.Null(expired.QuerySelector("[data-testid=key-revoke]"));
        Assert.Contains("2 active · 0 revoked · 1 expired", cut.Find("[data-testid=keys-count]").TextContent);
    }

    [Fact]
    public async Task Create_PickedScopesAndExpiryDate_AreStoredAndShown()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(10));
        var (cut, dialogs) = Open(account);
        cut.WaitForElement("[data-testid=keys-empty]");

        await cut.Find("[data-testid=keys-create]").ClickAsync(new());
        await dialogs.WaitForElement("input[data-testid=keys-name-input]").InputAsync(new() { Value = "Rotation bot" });
        Assert.True(dialogs.Find("[data-testid=keys-scope-inference] input").HasAttribute("checked"));
        Assert.True(dialogs.Find("[data-testid=keys-scope-billing-read] input").HasAttribute("checked"));
        Assert.False(dialogs.Find("[data-testid=keys-scope-keys-write] input").HasAttribute("checked"));
        await dialogs.Find("[data-testid=keys-scope-inference] input").ChangeAsync(new() { Value = false });
        await dialogs.Find("[data-testid=keys-scope-keys-write] input").ChangeAsync(new() { Value = true });
        await dialogs.Find("[data-testid=keys-expiry] input").ChangeAsync(new() { Value = "2026-04-01" });
        await dialogs.Find("[data-testid=keys-create-submit]").ClickAsync(new());

        dialogs.WaitForElement("[data-testid=keys-secret]");
        var stored = Assert.Single(await KeyService.ListAsync(account, Ct));
        Assert.Equal([ApiKeyScopes.BillingRead, ApiKeyScopes.KeysWrite], stored.Scopes);
        Assert.Equal(new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc), stored.ExpiresAt);
        Assert.Contains("billing:read, keys:write", dialogs.Find("[data-testid=keys-created-scopes]").TextContent);
        Assert.Contains("2026-04-01 00:00", dialogs.Find("[data-testid=keys-created-expiry]").TextContent);
        cut.WaitForAssertion(() => Assert.Equal([ApiKeyScopes.BillingRead, ApiKeyScopes.KeysWrite], ScopeChips(Row(cut, stored.Id))));
        Assert.Equal("2026-04-01 00:00", Cell(Row(cut, stored.Id), "key-expires"));
    }

    [Fact]
    public async Task Create_NoScopePicked_ExplainsAndCreatesNothing()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(10));
        var (cut, dialogs) = Open(account);
        cut.WaitForElement("[data-testid=keys-empty]");

        await cut.Find("[data-testid=keys-create]").ClickAsync(new());
        await dialogs.WaitForElement("input[data-testid=keys-name-input]").InputAsync(new() { Value = "Nothing" });
        await dialogs.Find("[data-testid=keys-scope-inference] input").ChangeAsync(new() { Value = false });
        await dialogs.Find("[data-testid=keys-scope-billing-read] input").ChangeAsync(new() { Value = false });
        await dialogs.Find("[data-testid=keys-create-submit]").ClickAsync(new());

        dialogs.WaitForAssertion(() => Assert.Contains("Pick at least one", dialogs.Find("[data-testid=keys-scopes-error]").TextContent));
        Assert.Empty(dialogs.FindAll("[data-testid=keys-secret]"));
        Assert.Empty(await KeyService.ListAsync(account, Ct));
    }
}
