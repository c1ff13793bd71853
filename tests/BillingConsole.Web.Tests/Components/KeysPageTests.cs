using AngleSharp.Dom;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Components.Pages;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BillingConsole.Web.Tests.Components;

/// <summary>/keys over the real <see cref="ApiKeyService"/>: what the page shows and changes is what the service stores.</summary>
public sealed class KeysPageTests : MeteredComponentTest
{
    private (IRenderedComponent<KeysPage> Page, IRenderedComponent<MudDialogProvider> Dialogs) Open(long account)
    {
        SignInAs(account);
        var dialogs = RenderDialogs();
        return (Render<KeysPage>(), dialogs);
    }

    [Fact]
    public async Task KeysPage_Keys_ListsPrefixDatesStatusAndMonthSpendAgainstLimit()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(1_000));
        var capped = await CreateKeyAsync(account, "Production backend", Money.FromDollars(2));
        var open = await CreateKeyAsync(account, "Staging");
        await CallAsync(capped.Id, "claude-sonnet-4-5", 60_000, 6_000);
        await CallAsync(capped.Id, "gpt-4o", 40_000, 2_000);
        Assert.True(await KeyService.RevokeAsync(account, open.Id, Ct));
        var other = await CreateCustomerAsync(Money.FromDollars(10), "Someone Else");
        await CreateKeyAsync(other, "Not yours");

        var (cut, _) = Open(account);

        cut.WaitForAssertion(() => Assert.Equal(2, KeyRows(cut).Count));
        var stored = await KeyService.ListAsync(account, Ct);
        Assert.Equal([capped.Id, open.Id], KeyRows(cut).Select(r => long.Parse(r.GetAttribute("data-key-id")!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.DoesNotContain("Not yours", cut.Markup);

        var cappedView = stored.Single(k => k.Id == capped.Id);
        var row = KeyRow(cut, capped.Id);
        Assert.Equal("Production backend", Cell(row, "key-name"));
        Assert.Equal(cappedView.Prefix + "…", Cell(row, "key-prefix"));
        Assert.Equal("2026-03-10", Cell(row, "key-created"));
        Assert.Equal(cappedView.LastUsedAt is { } used ? used.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : "Never", Cell(row, "key-last-used"));
        Assert.Equal("Active", Cell(row, "key-status"));
        Assert.True(cappedView.CommittedThisMonth.Units > 0);
        Assert.Equal(cappedView.CommittedThisMonth.Format(), Cell(row, "key-committed"));
        Assert.Equal("$2.00", Cell(row, "key-limit"));
        var bar = row.QuerySelector("[data-testid=key-spend-bar]")!;
        Assert.Contains($"{cappedView.CommittedThisMonth.Format()} of the $2.00 monthly limit used", bar.GetAttribute("aria-label"));
        Assert.NotNull(row.QuerySelector("[data-testid=key-revoke]"));

        var revokedRow = KeyRow(cut, open.Id);
        Assert.Equal("Revoked", Cell(revokedRow, "key-status"));
        Assert.Equal("revoked", revokedRow.QuerySelector("[data-testid=key-status]")!.GetAttribute("data-status"));
        Assert.Equal("$0.00", Cell(revokedRow, "key-committed"));
        Assert.NotNull(revokedRow.QuerySelector("[data-testid=key-no-limit]"));
        Assert.Null(revokedRow.QuerySelector("[data-testid=key-revoke]"));
        Assert.Contains("1 active · 1 revoked", cut.Find("[data-testid=keys-count]").TextContent);
    }

    [Fact]
    public async Task Create_ValidName_ShowsTheSecretOnceAndListsOnlyItsPrefix()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(10));
        var (cut, dialogs) = Open(account);
        cut.WaitForElement("[data-testid=keys-empty]");

        await cut.Find("[data-testid=keys-create]").ClickAsync(new());
        var name = dialogs.WaitForElement("input[data-testid=keys-name-input]");
        await name.InputAsync(new() { Value = "  Mobile app  " });
        await dialogs.Find("input[data-testid=keys-limit-input]").InputAsync(new() { Value = "$1,250.50" });
        await dialogs.Find("[data-testid=keys-create-submit]").ClickAsync(new());

        var secretElement = dialogs.WaitForElement("[data-testid=keys-secret]");
        var secret = secretElement.TextContent.Trim();
        var stored = Assert.Single(await KeyService.ListAsync(account, Ct));
        Assert.StartsWith("bc_live_", secret);
        Assert.Equal(48, secret.Length);
        Assert.Equal(ApiKey.PrefixOf(secret), stored.Prefix);
        Assert.Equal("Mobile app", stored.Name);
        Assert.Equal(Money.FromCents(1_250_50), stored.MonthlySpendLimit);
        Assert.Contains("will not be shown again", dialogs.Find("[data-testid=keys-secret-warning]").TextContent);
        dialogs.WaitForAssertion(() => Assert.Contains("Your new API key", dialogs.Find("#bc-create-key-title").TextContent));

        // The list behind the dialog already shows the new key, by its prefix only.
        cut.WaitForAssertion(() => Assert.Single(KeyRows(cut)));
        var row = KeyRow(cut, stored.Id);
        Assert.Equal(stored.Prefix + "…", Cell(row, "key-prefix"));
        Assert.Equal("$1,250.50", Cell(row, "key-limit"));
        Assert.DoesNotContain(secret, cut.Markup);
        Assert.Equal(1, Occurrences(dialogs.Markup, secret));

        await dialogs.Find("[data-testid=keys-copy]").ClickAsync(new());
        var copy = Assert.Single(JSInterop.Invocations, i => i.Identifier == "navigator.clipboard.writeText");
        Assert.Equal(secret, copy.Arguments[0]);
        dialogs.WaitForAssertion(() => Assert.Contains("Copied to the clipboard", dialogs.Find("[data-testid=keys-copy-status]").TextContent));

        await dialogs.Find("[data-testid=keys-done]").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=keys-secret]")));
        Assert.DoesNotContain(secret, dialogs.Markup);
        Assert.DoesNotContain(secret, cut.Markup);
    }

    [Theory]
    [InlineData("", "", "Give the key a name", null)]
    [InlineData("ok", "abc", null, "Enter an amount in US dollars")]
    [InlineData("ok", "-5", null, "must be more than $0")]
    [InlineData("ok", "0", null, "must be more than $0")]
    [InlineData("ok", "1.0000000001", null, "at most 9 decimal places")]
    [InlineData("ok", "2,000,000,000", null, "largest limit is $1,000,000,000")]
    public async Task Create_InvalidInput_ExplainsAndCreatesNothing(string name, string limit, string? nameError, string? limitError)
    {
        var account = await CreateCustomerAsync(Money.FromDollars(10));
        var (cut, dialogs) = Open(account);
        cut.WaitForElement("[data-testid=keys-empty]");

        await cut.Find("[data-testid=keys-create]").ClickAsync(new());
        await dialogs.WaitForElement("input[data-testid=keys-name-input]").InputAsync(new() { Value = name });
        await dialogs.Find("input[data-testid=keys-limit-input]").InputAsync(new() { Value = limit });
        await dialogs.Find("[data-testid=keys-create-submit]").ClickAsync(new());

        dialogs.WaitForAssertion(() =>
        {
            if (nameError is not null)
                Assert.Contains(nameError, dialogs.Markup);
            if (limitError is not null)
                Assert.Contains(limitError, dialogs.Markup);
        });
        Assert.Empty(dialogs.FindAll("[data-testid=keys-secret]"));
        Assert.Empty(await KeyService.ListAsync(account, Ct));
    }

    [Fact]
    public async Task Revoke_RoleLoweredToViewerWhileTheDialogIsOpen_RefusedAndTheKeyStaysActive()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(10));
        var key = await CreateKeyAsync(account, "Still needed");
        var userId = SignInAs(account, role: AccountRoles.Developer)!.Value;
        var dialogs = RenderDialogs();
        var cut = Render<KeysPage>();
        cut.WaitForAssertion(() => Assert.Single(KeyRows(cut)));
        await KeyRow(cut, key.Id).QuerySelector("[data-testid=key-revoke]")!.ClickAsync(new());
        var confirm = dialogs.WaitForElement("[data-testid=keys-revoke-confirm]");

        await TestMembers.SetRoleAsync(Factory, account, userId, AccountRoles.Viewer);
        await confirm.ClickAsync(new());

        dialogs.WaitForAssertion(() => Assert.Contains("Only developers and owners can create, change or revoke API keys.",
            dialogs.Find("[data-testid=keys-revoke-error]").TextContent));
        Assert.Null((await KeyService.FindAsync(account, key.Id, Ct))!.RevokedAt);
    }

    [Fact]
    public async Task Limit_RoleLoweredToViewerWhileTheDialogIsOpen_RefusedAndTheLimitIsUnchanged()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(10));
        var key = await CreateKeyAsync(account, "Capped", Money.FromDollars(5));
        var userId = SignInAs(account, role: AccountRoles.Developer)!.Value;
        var dialogs = RenderDialogs();
        var cut = Render<KeysPage>();
        cut.WaitForAssertion(() => Assert.Single(KeyRows(cut)));
        await KeyRow(cut, key.Id).QuerySelector("[data-testid=key-limit-edit]")!.ClickAsync(new());
        await dialogs.WaitForElement("input[data-testid=keys-limit-edit-input]").InputAsync(new() { Value = "500" });

        await TestMembers.SetRoleAsync(Factory, account, userId, AccountRoles.Viewer);
        await dialogs.Find("[data-testid=keys-limit-save]").ClickAsync(new());

        dialogs.WaitForAssertion(() => Assert.Contains("Only developers and owners", dialogs.Find("[data-testid=keys-limit-dialog]").TextContent));
        Assert.Equal(Money.FromDollars(5), (await KeyService.FindAsync(account, key.Id, Ct))!.MonthlySpendLimit);
    }

    [Fact]
    public async Task Revoke_Confirmed_RevokesTheKeyAndTheRowSaysSo()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(10));
        var key = await CreateKeyAsync(account, "Old laptop");
        var (cut, dialogs) = Open(account);
        cut.WaitForAssertion(() => Assert.Single(KeyRows(cut)));

        // Keeping it changes nothing.
        await KeyRow(cut, key.Id).QuerySelector("[data-testid=key-revoke]")!.ClickAsync(new());
        await dialogs.WaitForElement("[data-testid=keys-revoke-cancel]").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=keys-revoke-confirm]")));
        Assert.Null((await KeyService.FindAsync(account, key.Id, Ct))!.RevokedAt);

        await KeyRow(cut, key.Id).QuerySelector("[data-testid=key-revoke]")!.ClickAsync(new());
        var dialog = dialogs.WaitForElement("[data-testid=keys-revoke-confirm]");
        Assert.Contains("Old laptop", dialogs.Markup);
        Assert.Contains("can't be undone", dialogs.Markup);
        await dialog.ClickAsync(new());

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=keys-revoke-confirm]")));
        var stored = await KeyService.FindAsync(account, key.Id, Ct);
        Assert.Equal(Time.GetUtcNow().UtcDateTime, stored!.RevokedAt);
        cut.WaitForAssertion(() => Assert.Equal("Revoked", Cell(KeyRow(cut, key.Id), "key-status")));
        Assert.Null(KeyRow(cut, key.Id).QuerySelector("[data-testid=key-revoke]"));
    }

    [Fact]
    public async Task MonthlyLimit_SetChangedRemoved_IsStoredByTheService()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(10));
        var key = await CreateKeyAsync(account, "Batch jobs");
        var (cut, dialogs) = Open(account);
        cut.WaitForAssertion(() => Assert.Single(KeyRows(cut)));
        Assert.NotNull(KeyRow(cut, key.Id).QuerySelector("[data-testid=key-no-limit]"));

        // A bad amount is explained and stores nothing.
        await KeyRow(cut, key.Id).QuerySelector("[data-testid=key-limit-edit]")!.ClickAsync(new());
        var input = dialogs.WaitForElement("input[data-testid=keys-limit-edit-input]");
        await input.InputAsync(new() { Value = "12.5.1" });
        await dialogs.Find("[data-testid=keys-limit-save]").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Contains("Enter an amount in US dollars", dialogs.Markup));
        Assert.Null((await KeyService.FindAsync(account, key.Id, Ct))!.MonthlySpendLimit);

        await dialogs.Find("input[data-testid=keys-limit-edit-input]").InputAsync(new() { Value = "250" });
        await dialogs.Find("[data-testid=keys-limit-save]").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=keys-limit-save]")));
        Assert.Equal(Money.FromDollars(250), (await KeyService.FindAsync(account, key.Id, Ct))!.MonthlySpendLimit);
        cut.WaitForAssertion(() => Assert.Equal("$250.00", Cell(KeyRow(cut, key.Id), "key-limit")));

        // The dialog opens with the current limit, and removing it stores none.
        await KeyRow(cut, key.Id).QuerySelector("[data-testid=key-limit-edit]")!.ClickAsync(new());
        Assert.Equal("250.00", dialogs.WaitForElement("input[data-testid=keys-limit-edit-input]").GetAttribute("value"));
        await dialogs.Find("[data-testid=keys-limit-remove]").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=keys-limit-remove]")));
        Assert.Null((await KeyService.FindAsync(account, key.Id, Ct))!.MonthlySpendLimit);
        cut.WaitForAssertion(() => Assert.NotNull(KeyRow(cut, key.Id).QuerySelector("[data-testid=key-no-limit]")));
    }

    [Fact]
    public async Task KeyUsage_PerKeyAndPeriod_IsWhatTheServiceReports()
    {
        Time.AdjustTime(new DateTimeOffset(2026, 2, 20, 9, 0, 0, TimeSpan.Zero));
        var account = await CreateCustomerAsync(Money.FromDollars(1_000));
        var key = await CreateKeyAsync(account, "Search API");
        await CallAsync(key.Id, "gpt-4o", 50_000, 1_000, cached: 10_000);
        Time.AdjustTime(new DateTimeOffset(2026, 3, 9, 9, 0, 0, TimeSpan.Zero));
        await CallAsync(key.Id, "claude-sonnet-4-5", 80_000, 4_000, cached: 20_000);
        await CallAsync(key.Id, "gpt-4o-mini", 3_000, 0, status: BillingConsole.Accounting.Metering.RequestStatus.Error);
        Time.AdjustTime(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
        var (cut, _) = Open(account);
        cut.WaitForAssertion(() => Assert.Single(KeyRows(cut)));

        await KeyRow(cut, key.Id).QuerySelector("[data-testid=key-usage-toggle]")!.ClickAsync(new());

        var thisMonth = await KeyService.UsageAsync(account, key.Id, new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc),
            new DateTime(2026, 3, 10, 0, 0, 0, DateTimeKind.Utc), Ct);
        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find("[data-testid=key-usage-calls]").TextContent.Trim()));
        AssertUsage(cut, thisMonth!);
        Assert.Equal("83,000", cut.Find("[data-testid=key-usage-input]").TextContent.Trim());
        Assert.Equal("/audit?key=" + key.Id + "&from=2026-03-01&to=2026-03-10", cut.Find("[data-testid=key-usage-audit]").GetAttribute("href"));

        await cut.Find("[data-testid=key-usage-period][data-period='last-month']").ClickAsync(new());
        var lastMonth = await KeyService.UsageAsync(account, key.Id, new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc),
            new DateTime(2026, 2, 28, 0, 0, 0, DateTimeKind.Utc), Ct);
        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=key-usage-calls]").TextContent.Trim()));
        AssertUsage(cut, lastMonth!);
        Assert.Equal("true", cut.Find("[data-testid=key-usage-period][data-period='last-month']").GetAttribute("aria-pressed"));

        await cut.Find("[data-testid=key-usage-period][data-period='30-days']").ClickAsync(new());
        var days30 = await KeyService.UsageAsync(account, key.Id, new DateTime(2026, 2, 9, 0, 0, 0, DateTimeKind.Utc),
            new DateTime(2026, 3, 10, 0, 0, 0, DateTimeKind.Utc), Ct);
        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("[data-testid=key-usage-calls]").TextContent.Trim()));
        AssertUsage(cut, days30!);
    }

    [Fact]
    public async Task KeysPage_FailingLoad_ShowsAFriendlyError()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(10));
        Services.AddSingleton(new ApiKeyService(UnmigratedFactory(), Time));

        var (cut, _) = Open(account);

        var error = cut.WaitForElement("[data-testid=keys-error]");
        Assert.Contains("couldn't load your API keys", error.TextContent);
        Assert.DoesNotContain("SQLite", cut.Markup, StringComparison.OrdinalIgnoreCase);
    }

    private static void AssertUsage(IRenderedComponent<KeysPage> cut, KeyUsage usage)
    {
        var us = System.Globalization.CultureInfo.GetCultureInfo("en-US");
        Assert.Equal(usage.Calls.ToString("N0", us), cut.Find("[data-testid=key-usage-calls]").TextContent.Trim());
        Assert.Equal(usage.InputTokens.ToString("N0", us), cut.Find("[data-testid=key-usage-input]").TextContent.Trim());
        Assert.Equal(usage.OutputTokens.ToString("N0", us), cut.Find("[data-testid=key-usage-output]").TextContent.Trim());
        Assert.Equal(usage.CachedTokens.ToString("N0", us), cut.Find("[data-testid=key-usage-cached]").TextContent.Trim());
        Assert.Equal(usage.Cost.Format(), cut.Find("[data-testid=key-usage-cost]").TextContent.Trim());
        Assert.Equal(usage.MarketCost.Format(), cut.Find("[data-testid=key-usage-market-cost]").TextContent.Trim());
        Assert.True(usage.Cost.Units > 0);
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
            count++;
        return count;
    }

    private static IReadOnlyList<IElement> KeyRows(IRenderedComponent<KeysPage> cut) => cut.FindAll("[data-testid=key-row]");

    private static IElement KeyRow(IRenderedComponent<KeysPage> cut, long keyId) => cut.Find($"[data-testid=key-row][data-key-id='{keyId}']");

    private static string Cell(IElement row, string testId) => row.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();
}
