using System.Globalization;
using System.Security.Claims;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using BillingConsole.Web.Auth;
using BillingConsole.Web.Components.Payments;
using BillingConsole.Web.Payments;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace BillingConsole.Web.Tests.Payments;

/// <summary>The auto-recharge card over a real SQLite ledger: development mode, and with Stripe.net on the loopback fake.</summary>
public sealed class AutoRechargeCardTests : BunitContext, IAsyncLifetime
{
    private readonly SqliteLedgerDatabase _db = new();
    private FakeStripe? _stripe;
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _db.InitializeAsync();

    /// <summary>Registers payments (with a Stripe gateway on the fake when <paramref name="stripe"/>), signs in a member with
    /// <paramref name="role"/> and returns their account.</summary>
    private async Task<long> SetUpAsync(string role = AccountRoles.Owner, bool stripe = false)
    {
        var options = Options.Create(new PaymentsOptions { Packages = [new() { Id = "starter", Name = "Starter", Credits = 10, FeePercent = 5 }] });
        var postings = new PaymentPostings(_db.Writer(), _db.Factory);
        IPaymentGateway gateway = new DevelopmentPaymentGateway(postings);
        if (stripe)
        {
            _stripe = await FakeStripe.StartAsync();
            gateway = new StripeGateway(_stripe.Client(), NullLogger<StripeGateway>.Instance);
        }
        var packages = new CreditPackages(options);
        var accounts = new PaymentAccounts(_db.Factory, TimeProvider.System);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IDbContextFactory<BillingDbContext>>(_db.Factory);
        Services.AddSingleton(new PaymentsService(packages, postings, accounts, _db.Factory, options, TimeProvider.System, gateway));
        Services.AddSingleton(new AutoRechargeControls(accounts, packages, gateway));
        Services.AddSingleton<UserDirectory>();
        Services.AddSingleton<MembershipLookup>();
        Services.AddSingleton<ConsoleSessions>();
        Services.AddScoped<AccountGate>();
        var account = await _db.CreateAccountAsync();
        var userId = await TestMembers.CreateAsync(_db.Factory, $"owner-{Guid.NewGuid():N}@test.example", account, role);
        var auth = AddAuthorization();
        auth.SetAuthorized("Member");
        auth.SetClaims(new Claim(BillingClaims.UserId, userId.ToString(CultureInfo.InvariantCulture)),
            new Claim(BillingClaims.AccountId, account.ToString(CultureInfo.InvariantCulture)), new Claim(BillingClaims.AccountRole, role));
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return account;
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        if (_stripe is not null)
            await _stripe.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<Account> AccountAsync(long id)
    {
        await using var db = await _db.Factory.CreateDbContextAsync(Ct);
        return await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == id, Ct);
    }

    [Fact]
    public async Task Save_OwnerPicksAPackageAmountAndACap_StoresTheRuleAndShowsIt()
    {
        var account = await SetUpAsync();
        var cut = Render<AutoRechargeCard>(p => p.Add(c => c.AccountId, account));
        cut.WaitForAssertion(() => Assert.Equal("Off", cut.Find("[data-testid=auto-recharge-state]").TextContent.Trim()));
        Assert.Contains("No recharge yet", cut.Find("[data-testid=auto-recharge-last]").TextContent);

        await cut.Find("[data-testid=auto-recharge-edit]").ClickAsync(new());
        await cut.Find("input[data-testid=auto-recharge-threshold]").InputAsync(new() { Value = "7.50" });
        await cut.Find("[data-testid=auto-recharge-package-starter]").ClickAsync(new());
        await cut.Find("input[data-testid=auto-recharge-cap]").InputAsync(new() { Value = "40" });
        await cut.Find("[data-testid=auto-recharge-form]").SubmitAsync();

        cut.WaitForAssertion(() => Assert.Equal("Add $10.00 when the balance falls below $7.50", cut.Find("[data-testid=auto-recharge-rule]").TextContent.Trim()));
        Assert.Equal("On", cut.Find("[data-testid=auto-recharge-state]").TextContent.Trim());
        Assert.Contains("$0.00 recharged of $40.00 cap", cut.Find("[data-testid=auto-recharge-month]").TextContent);
        var a = await AccountAsync(account);
        Assert.Equal((true, Money.FromCents(750).Units, Money.FromDollars(10).Units, Money.FromDollars(40).Units),
            (a.AutoRechargeEnabled, a.AutoRechargeThreshold!.Value, a.AutoRechargeAmount!.Value, a.AutoRechargeMonthlyCap!.Value));
    }

    [Fact]
    public async Task Save_ZeroThresholdAndCapBelowTheAmount_ShowsEachFieldsErrorAndStoresNothing()
    {
        var account = await SetUpAsync();
        var cut = Render<AutoRechargeCard>(p => p.Add(c => c.AccountId, account));
        await cut.WaitForElement("[data-testid=auto-recharge-edit]").ClickAsync(new());

        await cut.Find("input[data-testid=auto-recharge-threshold]").InputAsync(new() { Value = "0" });
        await cut.Find("input[data-testid=auto-recharge-amount]").InputAsync(new() { Value = "25" });
        await cut.Find("input[data-testid=auto-recharge-cap]").InputAsync(new() { Value = "20" });
        await cut.Find("[data-testid=auto-recharge-form]").SubmitAsync();

        cut.WaitForAssertion(() => Assert.Contains("Enter an amount above $0.", cut.Find("[data-testid=auto-recharge-form]").TextContent));
        Assert.Contains("The cap must allow at least one recharge: at least the amount.", cut.Find("[data-testid=auto-recharge-form]").TextContent);
        var a = await AccountAsync(account);
        Assert.Equal((false, (long?)null), (a.AutoRechargeEnabled, a.AutoRechargeThreshold));
    }

    [Fact]
    public async Task Render_Viewer_ReadsTheRuleButCannotChangeIt()
    {
        var account = await SetUpAsync(AccountRoles.Viewer);

        var cut = Render<AutoRechargeCard>(p => p.Add(c => c.AccountId, account));

        cut.WaitForAssertion(() => Assert.True(cut.Find("[data-testid=auto-recharge-edit]").HasAttribute("disabled")));
    }

    [Fact]
    public async Task Render_AfterThreeDeclines_SaysItTurnedItselfOffAndWhy_AndShowsTheLastAttempt()
    {
        var account = await SetUpAsync();
        await using (var db = await _db.Factory.CreateDbContextAsync(Ct))
            await db.Accounts.Where(a => a.Id == account).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.AutoRechargeThreshold, Money.FromDollars(10).Units).SetProperty(a => a.AutoRechargeAmount, Money.FromDollars(25).Units)
                .SetProperty(a => a.AutoRechargeFailures, 3).SetProperty(a => a.AutoRechargeFailure, "The card was declined: not enough funds.")
                .SetProperty(a => a.AutoRechargeLastOutcome, AutoRechargeOutcomes.Failed).SetProperty(a => a.AutoRechargeLastAttemptAmount, Money.FromDollars(25).Units)
                .SetProperty(a => a.AutoRechargeLastAttemptAt, new DateTime(2026, 12, 3, 9, 30, 0, DateTimeKind.Utc)), Ct);

        var cut = Render<AutoRechargeCard>(p => p.Add(c => c.AccountId, account));

        cut.WaitForAssertion(() => Assert.Contains("turned itself off", cut.Find("[data-testid=auto-recharge-turned-off]").TextContent));
        Assert.Contains("not enough funds", cut.Find("[data-testid=auto-recharge-turned-off]").TextContent);
        Assert.Equal("2026-12-03 09:30 UTC: $25.00, failed (The card was declined: not enough funds.)", cut.Find("[data-testid=auto-recharge-last]").TextContent.Trim());
    }

    [Fact]
    public async Task SaveACard_WithStripe_NoCardSaved_GoesToASetupModeCheckout_AndTurningOnWithoutACardIsRefused()
    {
        var account = await SetUpAsync(stripe: true);
        var cut = Render<AutoRechargeCard>(p => p.Add(c => c.AccountId, account));
        cut.WaitForAssertion(() => Assert.Equal("No card saved", cut.Find("[data-testid=auto-recharge-card]").TextContent.Trim()));

        await cut.Find("[data-testid=auto-recharge-edit]").ClickAsync(new());
        await cut.Find("input[data-testid=auto-recharge-threshold]").InputAsync(new() { Value = "10" });
        await cut.Find("input[data-testid=auto-recharge-amount]").InputAsync(new() { Value = "25" });
        await cut.Find("[data-testid=auto-recharge-form]").SubmitAsync();
        cut.WaitForAssertion(() => Assert.Equal(PaymentAccounts.NoCard, cut.Find("[data-testid=auto-recharge-form-error]").TextContent.Trim()));
        Assert.False((await AccountAsync(account)).AutoRechargeEnabled);

        await cut.Find("[data-testid=auto-recharge-save-card]").ClickAsync(new());

        var navigation = Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => Assert.StartsWith("https://checkout.stripe.test/c/pay/cs_test", navigation.Uri));
        var session = Assert.Single(_stripe!.RequestsTo("POST", "/v1/checkout/sessions"));
        Assert.Equal("setup", session.Field("mode"));
    }

    [Fact]
    public async Task RemoveCard_WithStripe_AfterConfirming_ForgetsTheCardTurnsAutoRechargeOffAndDetachesIt()
    {
        var account = await SetUpAsync(stripe: true);
        var accounts = new PaymentAccounts(_db.Factory, TimeProvider.System);
        await accounts.SaveCardAsync(account, new SavedCard("pm_card_visa", "visa", "4242"), ct: Ct);
        Assert.Null(await accounts.SetAutoRechargeAsync(account, new AutoRechargeChange(true, Money.FromDollars(10), Money.FromDollars(25), null), Ct, requireCard: true));
        var cut = Render<AutoRechargeCard>(p => p.Add(c => c.AccountId, account));
        cut.WaitForAssertion(() => Assert.Equal("Visa •••• 4242", cut.Find("[data-testid=auto-recharge-card]").TextContent.Trim()));
        Assert.Equal("Replace card", cut.Find("[data-testid=auto-recharge-save-card]").TextContent.Trim());

        await cut.Find("[data-testid=auto-recharge-remove-card]").ClickAsync(new());
        Assert.Equal("Confirm removal", cut.Find("[data-testid=auto-recharge-remove-card]").TextContent.Trim());
        Assert.NotNull((await AccountAsync(account)).SavedCardId); // nothing happens before confirming
        await cut.Find("[data-testid=auto-recharge-remove-card]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("No card saved", cut.Find("[data-testid=auto-recharge-card]").TextContent.Trim()));
        Assert.Equal("Off", cut.Find("[data-testid=auto-recharge-state]").TextContent.Trim());
        Assert.Contains("auto-recharge is off", cut.Find("[data-testid=auto-recharge-message]").TextContent);
        var a = await AccountAsync(account);
        Assert.Equal((false, (string?)null), (a.AutoRechargeEnabled, a.SavedCardId));
        Assert.Equal(["pm_card_visa"], _stripe!.Detached);
    }
}
