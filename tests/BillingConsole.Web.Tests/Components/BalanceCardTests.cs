using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Components.Billing;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Components;

public sealed class BalanceCardTests : LedgerComponentTest
{
    private AccountSettings Settings => Services.GetRequiredService<AccountSettings>();

    [Fact]
    public async Task BalanceCard_Balance_ShowsCentsWithTheExactValueOnHoverFocusAndAccessibleName()
    {
        var account = await CreateAccountAsync("Globex Labs");
        SignInAs(account);
        var last = (await SeedHistoryAsync(account, 12))[^1];
        Assert.False(BillingFormat.IsWholeCents(last.BalanceAfter), "the seeded balance should have sub-cent digits");

        var cut = Render<BalanceCard>(p => p.Add(x => x.AccountId, account));

        var balance = cut.WaitForElement("[data-testid=balance]");
        Assert.Equal(BillingFormat.Cents(last.BalanceAfter), balance.TextContent.Trim());
        Assert.Matches(@"^\$\d{1,3}(,\d{3})*\.\d{2}$", balance.TextContent.Trim());
        Assert.Equal(last.BalanceAfter.Format(), balance.GetAttribute("data-exact"));
        Assert.Equal($"Current balance: {last.BalanceAfter.Format()}, exactly", balance.GetAttribute("aria-label"));
        Assert.Equal("0", balance.GetAttribute("tabindex"));
        Assert.Equal("$0.00 held for calls in progress", cut.Find("[data-testid=held]").TextContent.Trim());
        Assert.Contains("Globex Labs", cut.Markup);
    }

    [Theory]
    [InlineData(113_579_876_543L, "$113.58")]
    [InlineData(113_574_999_999L, "$113.57")]
    [InlineData(113_575_000_000L, "$113.58")]
    [InlineData(-4_999_999L, "$0.00")]
    [InlineData(-5_000_000L, "-$0.01")]
    [InlineData(1_234_567_890_123_456_789L, "$1,234,567,890.12")]
    public void Cents_HalfCent_RoundsAwayFromZeroExactly(long units, string expected) =>
        Assert.Equal(expected, BillingFormat.Cents(new Money(units)));

    [Fact]
    public async Task BalanceCard_OpenReservations_ShowsTheAmountHeld()
    {
        var account = await CreateAccountAsync();
        SignInAs(account);
        await PostAsync(account, EntryTypes.Topup, Money.FromDollars(1_234), "Top-up");
        var hold = await Ledger.ReserveAsync(new ReserveRequest(account, Money.FromCents(1_250), "LLM call", new Origin(EntrySources.MeteringApi, "gateway")), Ct);
        Assert.True(hold.Succeeded, hold.Failure?.Message);

        var cut = Render<BalanceCard>(p => p.Add(x => x.AccountId, account));

        var balance = cut.WaitForElement("[data-testid=balance]");
        Assert.Equal("$1,221.50", balance.TextContent.Trim());
        Assert.Null(balance.GetAttribute("aria-label"));
        Assert.Equal("$12.50 held for calls in progress", cut.Find("[data-testid=held]").TextContent.Trim());
    }

    [Fact]
    public async Task BalanceCard_EmptyAccount_ShowsZeroNoBannerAndNoRunway()
    {
        var account = await CreateAccountAsync();
        SignInAs(account);
        var cut = Render<BalanceCard>(p => p.Add(x => x.AccountId, account));

        Assert.Equal("$0.00", cut.WaitForElement("[data-testid=balance]").TextContent.Trim());
        Assert.Equal("—", cut.Find("[data-testid=runway]").TextContent.Trim());
        Assert.Contains("No spending in the last 7 days", cut.Find("[data-testid=runway-explanation]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=low-balance-banner]"));
        Assert.Contains("Off", cut.Find("[data-testid=low-balance-threshold]").TextContent);
    }

    [Fact]
    public async Task LowBalanceBanner_BelowTheThreshold_ShowsAndNotAtOrAbove()
    {
        var low = await CreateAccountAsync("Low");
        SignInAs(low);
        await PostAsync(low, EntryTypes.Topup, Money.FromCents(4_999), "Top-up");
        Assert.True(await Settings.SetLowBalanceThresholdAsync(low, Money.FromDollars(50), Ct));
        var exact = await CreateAccountAsync("Exactly at it");
        await PostAsync(exact, EntryTypes.Topup, Money.FromDollars(50), "Top-up");
        Assert.True(await Settings.SetLowBalanceThresholdAsync(exact, Money.FromDollars(50), Ct));
        var high = await CreateAccountAsync("High");
        await PostAsync(high, EntryTypes.Topup, Money.FromDollars(500), "Top-up");
        Assert.True(await Settings.SetLowBalanceThresholdAsync(high, Money.FromDollars(50), Ct));

        var lowCut = Render<BalanceCard>(p => p.Add(x => x.AccountId, low));
        var banner = lowCut.WaitForElement("[data-testid=low-balance-banner]");
        Assert.Contains("$49.99", banner.TextContent);
        Assert.Contains("$50.00", banner.TextContent);
        Assert.Contains("Below $50.00", lowCut.Find("[data-testid=low-balance-threshold]").TextContent);

        var exactCut = Render<BalanceCard>(p => p.Add(x => x.AccountId, exact));
        exactCut.WaitForElement("[data-testid=balance]");
        Assert.Empty(exactCut.FindAll("[data-testid=low-balance-banner]"));

        var highCut = Render<BalanceCard>(p => p.Add(x => x.AccountId, high));
        highCut.WaitForElement("[data-testid=balance]");
        Assert.Empty(highCut.FindAll("[data-testid=low-balance-banner]"));
    }

    [Fact]
    public async Task LowBalanceThreshold_SetInPlace_SavesShowsBannerAndWritesNoEntry()
    {
        var account = await CreateAccountAsync();
        SignInAs(account);
        await PostAsync(account, EntryTypes.Topup, Money.FromDollars(20), "Top-up");
        var entriesBefore = await CountEntriesAsync(account);

        var cut = Render<BalanceCard>(p => p.Add(x => x.AccountId, account));
        cut.WaitForElement("[data-testid=balance]");
        Assert.Empty(cut.FindAll("[data-testid=low-balance-banner]"));

        await cut.Find("[data-testid=low-balance-edit]").ClickAsync(new());
        cut.Find("input[data-testid=low-balance-input]").Input("$1,000.50");
        await cut.Find("form[data-testid=low-balance-form]").SubmitAsync();

        cut.WaitForElement("[data-testid=low-balance-banner]");
        Assert.Equal(Money.FromCents(1_000_50), await Settings.GetLowBalanceThresholdAsync(account, Ct));
        Assert.Contains("Below $1,000.50", cut.Find("[data-testid=low-balance-threshold]").TextContent);
        Assert.Contains("Saved", cut.Find("[data-testid=low-balance-status]").TextContent);
        Assert.Equal(entriesBefore, await CountEntriesAsync(account));

        // Lowering it below the balance removes the banner; turning it off clears the setting.
        await cut.Find("[data-testid=low-balance-edit]").ClickAsync(new());
        cut.Find("input[data-testid=low-balance-input]").Input("5");
        await cut.Find("form[data-testid=low-balance-form]").SubmitAsync();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=low-balance-banner]")));
        Assert.Equal(Money.FromDollars(5), await Settings.GetLowBalanceThresholdAsync(account, Ct));

        await cut.Find("[data-testid=low-balance-edit]").ClickAsync(new());
        await cut.Find("[data-testid=low-balance-off]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Contains("Off", cut.Find("[data-testid=low-balance-threshold]").TextContent));
        Assert.Null(await Settings.GetLowBalanceThresholdAsync(account, Ct));
        Assert.Equal(entriesBefore, await CountEntriesAsync(account));
    }

    [Theory]
    [InlineData("", "Enter an amount")]
    [InlineData("twelve", "isn't an amount")]
    [InlineData("1e3", "isn't an amount")]
    [InlineData("0.0000000001", "at most 9 decimals")]
    [InlineData("0", "above $0")]
    [InlineData("-5", "above $0")]
    [InlineData("1000000000.01", "at most $1,000,000,000.00")]
    public async Task LowBalanceThreshold_BadInput_GetsAFriendlyMessageAndIsNotSaved(string input, string message)
    {
        var account = await CreateAccountAsync();
        SignInAs(account);
        Assert.True(await Settings.SetLowBalanceThresholdAsync(account, Money.FromDollars(10), Ct));

        var cut = Render<BalanceCard>(p => p.Add(x => x.AccountId, account));
        cut.WaitForElement("[data-testid=balance]");
        await cut.Find("[data-testid=low-balance-edit]").ClickAsync(new());
        cut.Find("input[data-testid=low-balance-input]").Input(input);
        await cut.Find("form[data-testid=low-balance-form]").SubmitAsync();

        cut.WaitForAssertion(() => Assert.Contains(message, cut.Find("[data-testid=low-balance-form]").TextContent));
        Assert.Equal(Money.FromDollars(10), await Settings.GetLowBalanceThresholdAsync(account, Ct));
    }

    [Fact]
    public async Task Runway_RecentSpending_IsBalanceOverTheLast7DaysRate()
    {
        var now = new DateTime(2026, 3, 18, 6, 0, 0, DateTimeKind.Utc);
        var account = await CreateAccountAsync();
        SignInAs(account);
        var key = await CreateApiKeyAsync(account);
        Clock.AdjustTime(now.AddDays(-20));
        await PostAsync(account, EntryTypes.Topup, Money.FromDollars(100), "Top-up");
        // Before the window: not counted.
        await MeterCallAsync(key, "gpt-4o", 100_000, 20_000);
        // In the window (from 2026-03-11 00:00): three calls and a storage charge.
        var spent = Money.Zero;
        foreach (var (at, input, output) in new[] { (now.AddDays(-7).Date.AddHours(1), 90_000L, 20_000L), (now.AddDays(-3), 60_000L, 9_000L), (now.AddHours(-1), 30_000L, 5_000L) })
        {
            Clock.AdjustTime(at);
            spent += (await MeterCallAsync(key, "gpt-4o", input, output)).Cost;
        }
        Clock.AdjustTime(now.AddHours(-2));
        spent -= (await PostAsync(account, EntryTypes.StorageBilling, new Money(-1_234_567_891), "Storage")).Amount;
        Clock.AdjustTime(now);
        var balance = (await Services.GetRequiredService<LedgerQueries>().GetBalanceAsync(account, Ct))!.Balance;
        var expected = Runway.Estimate(balance, spent, now - new DateTime(2026, 3, 11, 0, 0, 0, DateTimeKind.Utc));
        Assert.NotNull(expected.Days);

        var cut = Render<BalanceCard>(p => p.Add(x => x.AccountId, account));

        var runway = cut.WaitForElement("[data-testid=runway]");
        Assert.Equal(Runway.Describe(expected), runway.TextContent.Trim());
        Assert.Equal($"about {expected.Days} days", runway.TextContent.Trim());
        Assert.Contains(BillingFormat.Cents(expected.DailyRate!.Value), cut.Find("[data-testid=runway-explanation]").TextContent);
    }

    [Fact]
    public void Runway_Estimate_CountsWholeDaysExactly()
    {
        var week = TimeSpan.FromDays(7);
        Assert.Equal(70, Runway.Estimate(Money.FromDollars(100), Money.FromDollars(10), week).Days);
        Assert.Equal(new Money(1_428_571_428), Runway.Estimate(Money.FromDollars(100), Money.FromDollars(10), week).DailyRate);
        Assert.Equal(69, Runway.Estimate(Money.FromDollars(100) - new Money(1), Money.FromDollars(10), week).Days);
        Assert.Null(Runway.Estimate(Money.FromDollars(100), Money.Zero, week).Days);
        Assert.Equal("—", Runway.Describe(Runway.Estimate(Money.FromDollars(100), Money.Zero, week)));
        Assert.Equal("used up", Runway.Describe(Runway.Estimate(Money.FromDollars(-1), Money.FromDollars(10), week)));
        Assert.Equal("less than a day", Runway.Describe(Runway.Estimate(Money.FromDollars(1), Money.FromDollars(10), week)));
        Assert.Equal("more than 2 years", Runway.Describe(Runway.Estimate(Money.Max, new Money(1), week)));
    }

    [Fact]
    public void BalanceCard_FailingLoad_ShowsAFriendlyError()
    {
        SignInAs(null);
        BreakTheDatabase();

        var cut = Render<BalanceCard>(p => p.Add(x => x.AccountId, 1));

        Assert.Contains("couldn't load your balance", cut.WaitForElement("[data-testid=balance-error]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=balance]"));
    }

    private async Task<int> CountEntriesAsync(long accountId)
    {
        await using var db = await Factory.CreateDbContextAsync(Ct);
        return await db.LedgerEntries.CountAsync(e => e.AccountId == accountId, Ct);
    }

    [Fact]
    public async Task LowBalanceSetting_Developer_ChangeIsDisabled()
    {
        var account = await CreateAccountAsync();
        SignInAs(account, role: AccountRoles.Developer);

        var cut = Render<BalanceCard>(p => p.Add(x => x.AccountId, account));

        Assert.True(cut.WaitForElement("[data-testid=low-balance-edit]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task LowBalanceSetting_BillingAdminOnACustomersAccount_CanChangeIt()
    {
        var account = await CreateAccountAsync();
        var auth = AddAuthorization();
        auth.SetAuthorized("Billing Admin");
        auth.SetClaims(new System.Security.Claims.Claim(BillingConsole.Web.Auth.BillingClaims.UserId, "1"));
        auth.SetRoles(Roles.BillingAdmin);

        var cut = Render<BalanceCard>(p => p.Add(x => x.AccountId, account));
        await cut.WaitForElement("[data-testid=low-balance-edit]").ClickAsync(new());
        cut.Find("input[data-testid=low-balance-input]").Input("25");
        await cut.Find("form[data-testid=low-balance-form]").SubmitAsync();

        cut.WaitForAssertion(() => Assert.Contains("Below $25.00", cut.Find("[data-testid=low-balance-threshold]").TextContent));
        Assert.Equal(Money.FromDollars(25), await Settings.GetLowBalanceThresholdAsync(account, Ct));
    }

    [Fact]
    public async Task LowBalanceSetting_OwnerLoweredToDeveloperWhileEditing_RefusedAndNothingSaved()
    {
        var account = await CreateAccountAsync();
        var userId = SignInAs(account)!.Value;
        var cut = Render<BalanceCard>(p => p.Add(x => x.AccountId, account));
        await cut.WaitForElement("[data-testid=low-balance-edit]").ClickAsync(new());
        cut.Find("input[data-testid=low-balance-input]").Input("40");

        await TestMembers.SetRoleAsync(Factory, account, userId, AccountRoles.Developer);
        await cut.Find("form[data-testid=low-balance-form]").SubmitAsync();

        cut.WaitForAssertion(() => Assert.Contains("Only owners can change the account's billing settings.", cut.Find("[data-testid=low-balance-form]").TextContent));
        Assert.Null(await Settings.GetLowBalanceThresholdAsync(account, Ct));
    }
}
