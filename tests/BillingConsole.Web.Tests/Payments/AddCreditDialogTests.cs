using System.Globalization;
using System.Security.Claims;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using BillingConsole.Web.Auth;
using BillingConsole.Web.Components.Payments;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;

namespace BillingConsole.Web.Tests.Payments;

/// <summary>The "Add credit" button and dialog in development mode, over a real SQLite ledger.</summary>
public sealed class AddCreditDialogTests : BunitContext, IAsyncLifetime
{
    private readonly SqliteLedgerDatabase _db = new();
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        var options = Options.Create(new PaymentsOptions
        {
            Packages = [new() { Id = "starter", Name = "Starter", Credits = 10, FeePercent = 5 }, new() { Id = "scale", Name = "Scale", Credits = 1000, FixedFee = 20 }],
        });
        var ledger = _db.Writer();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IDbContextFactory<BillingDbContext>>(_db.Factory);
        var postings = new PaymentPostings(ledger, _db.Factory);
        Services.AddSingleton(new PaymentsService(new CreditPackages(options), postings,
            new PaymentAccounts(_db.Factory, TimeProvider.System), _db.Factory, options, TimeProvider.System, new DevelopmentPaymentGateway(postings)));
        Services.AddSingleton<UserDirectory>();
        Services.AddSingleton<MembershipLookup>();
        Services.AddSingleton<ConsoleSessions>();
        Services.AddScoped<AccountGate>();
    }

    /// <summary>Signs in a real member of <paramref name="accountId"/> with <paramref name="role"/>, as the cookie would, and
    /// renders as the live circuit does (which resolves the renderer: no service can be added after this).</summary>
    private async Task<long> SignInAsync(long accountId, string role = AccountRoles.Owner)
    {
        var userId = await TestMembers.CreateAsync(_db.Factory, $"buyer-{Guid.NewGuid():N}@test.example", accountId, role);
        var auth = AddAuthorization();
        auth.SetAuthorized("Buyer");
        auth.SetClaims(new Claim(BillingClaims.UserId, userId.ToString(CultureInfo.InvariantCulture)),
            new Claim(BillingClaims.AccountId, accountId.ToString(CultureInfo.InvariantCulture)), new Claim(BillingClaims.AccountRole, role));
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        return userId;
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Dialog_ListsPackagesWithPriceCreditsAndFee_InDevelopmentModeCreditsAtOnce_AndSaysSo()
    {
        var account = await _db.CreateAccountAsync();
        await SignInAsync(account);
        var dialogs = Render<MudDialogProvider>();
        var snackbars = Render<MudSnackbarProvider>();
        var credited = new List<PurchaseOutcome>();
        var button = Render<AddCreditButton>(p => p.Add(b => b.AccountId, account).Add(b => b.OnCredited, o => credited.Add(o)));

        // The button's handler awaits the dialog's result, so its click completes only when the dialog closes.
        var opening = button.Find("[data-testid=add-credit]").ClickAsync(new());
        var scale = dialogs.WaitForElement("[data-testid=package-scale]");
        Assert.Contains("Development mode", dialogs.Find("[data-testid=development-mode]").TextContent);
        Assert.Equal(("$1,000.00", "$20.00", "$1,020.00"), (scale.QuerySelector("[data-testid=credits]")!.TextContent,
            scale.QuerySelector("[data-testid=fee]")!.TextContent, scale.QuerySelector("[data-testid=price]")!.TextContent));
        Assert.Equal("$10.50", dialogs.Find("[data-testid=package-starter] [data-testid=price]").TextContent);

        await dialogs.Find("[data-testid=package-scale] input").ClickAsync(new());
        await dialogs.Find("[data-testid=buy]").ClickAsync(new());

        await opening.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await using var db = await _db.Factory.CreateDbContextAsync(Ct);
        var entries = await db.LedgerEntries.AsNoTracking().Where(e => e.AccountId == account).OrderBy(e => e.Sequence).ToListAsync(Ct);
        Assert.Equal([(EntryTypes.Topup, Money.FromDollars(1020).Units), (EntryTypes.PlatformFee, -Money.FromDollars(20).Units)], entries.Select(e => (e.Type, e.Amount)));
        Assert.Contains("development mode", entries[0].Description);
        var outcome = Assert.Single(credited);
        Assert.Equal(Money.FromDollars(1000), outcome.Credits);
        snackbars.WaitForAssertion(() => Assert.Contains("Added $1,000.00 credits", snackbars.Markup));
    }

    [Fact]
    public async Task Button_Developer_IsDisabled()
    {
        var account = await _db.CreateAccountAsync();
        await SignInAsync(account, AccountRoles.Developer);

        var button = Render<AddCreditButton>(p => p.Add(b => b.AccountId, account));

        Assert.True(button.Find("[data-testid=add-credit]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Buy_OwnerLoweredToDeveloperWhileTheDialogIsOpen_RefusedWithWhoMayAndNothingCredited()
    {
        var account = await _db.CreateAccountAsync();
        var userId = await SignInAsync(account);
        var dialogs = Render<MudDialogProvider>();
        var button = Render<AddCreditButton>(p => p.Add(b => b.AccountId, account));
        _ = button.Find("[data-testid=add-credit]").ClickAsync(new());
        dialogs.WaitForElement("[data-testid=package-scale]");

        // The page still holds the owner's claims; the role in the database is what counts at the moment of the write.
        await TestMembers.SetRoleAsync(_db.Factory, account, userId, AccountRoles.Developer);
        await dialogs.Find("[data-testid=package-scale] input").ClickAsync(new());
        await dialogs.Find("[data-testid=buy]").ClickAsync(new());

        dialogs.WaitForAssertion(() => Assert.Contains("Only owners can buy credits.", dialogs.Find("[data-testid=purchase-error]").TextContent));
        await using var db = await _db.Factory.CreateDbContextAsync(Ct);
        Assert.False(await db.LedgerEntries.AnyAsync(e => e.AccountId == account, Ct));
    }

    [Fact]
    public async Task Dialog_CustomAmount_ShowsTheFeeBeforePaying_RefusesOutOfBounds_AndCreditsExactlyTheAmount()
    {
        var account = await _db.CreateAccountAsync();
        await SignInAsync(account);
        var dialogs = Render<MudDialogProvider>();
        var button = Render<AddCreditButton>(p => p.Add(b => b.AccountId, account));
        var opening = button.Find("[data-testid=add-credit]").ClickAsync(new());
        dialogs.WaitForElement("[data-testid=package-custom]");

        await dialogs.Find("input[data-testid=custom-amount]").InputAsync(new() { Value = "4.99" });
        dialogs.WaitForAssertion(() => Assert.Contains("from $5.00 to $10,000.00", dialogs.Find("[data-testid=package-custom]").TextContent));
        Assert.True(dialogs.Find("[data-testid=buy]").HasAttribute("disabled"));

        await dialogs.Find("input[data-testid=custom-amount]").InputAsync(new() { Value = "12.34" });
        dialogs.WaitForAssertion(() => Assert.Equal(("$12.34", "$0.62", "$12.96"), (dialogs.Find("[data-testid=custom-breakdown] [data-testid=credits]").TextContent,
            dialogs.Find("[data-testid=custom-breakdown] [data-testid=fee]").TextContent, dialogs.Find("[data-testid=package-custom] [data-testid=price]").TextContent)));
        await dialogs.Find("[data-testid=buy]").ClickAsync(new());

        await opening.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await using var db = await _db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(Money.FromCents(1234).Units, (await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == account, Ct)).Balance);
        Assert.Equal([(EntryTypes.Topup, Money.FromCents(1296).Units), (EntryTypes.PlatformFee, -Money.FromCents(62).Units)],
            await db.LedgerEntries.AsNoTracking().Where(e => e.AccountId == account).OrderBy(e => e.Sequence).Select(e => ValueTuple.Create(e.Type, e.Amount)).ToListAsync(Ct));
    }
}
