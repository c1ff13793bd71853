using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Accounting.Statements;
using BillingConsole.Accounting.Usage;
using BillingConsole.Db.Sqlite;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;

namespace BillingConsole.Web.Tests.Components;

/// <summary>
/// A <see cref="LedgerComponentTest"/> with metered traffic: the price catalog synchronized from the catalog file, real API
/// keys from <see cref="ApiKeyService"/>, and calls reserved and settled through <see cref="MeteringService"/> on a
/// hand-moved clock, so request records, rollups, key counters and the ledger are exactly what production writes. The
/// components read them through the real <see cref="UsageQueries"/>, <see cref="StatementQueries"/> and
/// <see cref="ApiKeyService"/>, on the same clock.
/// </summary>
public abstract class MeteredComponentTest : LedgerComponentTest
{
    protected MeteredComponentTest()
    {
        Writer = new LedgerWriter(Factory, new SqliteDatabaseProvider().Dialect, Time);
        Prices = new PriceCatalog(Factory);
        Meter = new MeteringService(Writer, Prices, Factory, Time);
        KeyService = new ApiKeyService(Factory, Time);
        Usage = new UsageQueries(Factory);
        Statements = new StatementQueries(Factory);
        Services.AddSingleton<TimeProvider>(Time);
        Services.AddSingleton(new LedgerQueries(Factory, Time));
        Services.AddSingleton(Prices);
        Services.AddSingleton(KeyService);
        Services.AddSingleton(Usage);
        Services.AddSingleton(Statements);
        Services.AddSingleton(new Accounting.Payments.Receipts(Factory));
        // The alerts page: rules, evaluation, endpoints (secrets under a throwaway Data Protection key) and deliveries.
        Services.AddSingleton(new Accounting.Budgets.BudgetService(Factory, Time));
        Services.AddSingleton(new Accounting.Alerts.AlertRules(Factory, Time));
        Services.AddSingleton(new Accounting.Alerts.AlertEvaluator(Factory, Time,
            Microsoft.Extensions.Options.Options.Create(new Accounting.Alerts.AlertOptions { ConsoleBaseUrl = "https://console.test" })));
        Services.AddSingleton(new Accounting.Alerts.OutboxDelivery(Factory, Time));
        Services.AddSingleton(new Web.Alerts.WebhookEndpoints(Factory,
            new Web.Alerts.WebhookSecrets(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider()), new Web.Alerts.WebhookTargets(allowPrivate: false), Time));
    }

    /// <summary>The time everything is written and read at; it moves only when a test moves it (Advance, or AdjustTime to
    /// write history at fixed dates).</summary>
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));

    protected LedgerWriter Writer { get; }

    protected PriceCatalog Prices { get; }

    protected MeteringService Meter { get; }

    protected ApiKeyService KeyService { get; }

    protected UsageQueries Usage { get; }

    protected StatementQueries Statements { get; }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await CatalogFile.SyncAsync(Factory, Ct);
        await Prices.ReloadAsync(Ct);
    }

    /// <summary>A customer account with <paramref name="balance"/> bought at the current time.</summary>
    protected async Task<long> CreateCustomerAsync(Money balance, string name = "Acme Robotics")
    {
        var account = await CreateAccountAsync(name);
        if (balance.Units > 0)
            await TopUpAsync(account, balance);
        return account;
    }

    protected async Task TopUpAsync(long accountId, Money amount, string type = EntryTypes.Topup, string description = "Card top-up")
    {
        var result = await Writer.PostAsync(new PostRequest(accountId, type, amount, description, new BillingConsole.Accounting.Ledger.Origin(EntrySources.PaymentWebhook, "tests")), Ct);
        Assert.True(result.Succeeded, result.Failure?.Message);
    }

    protected async Task<ApiKeyView> CreateKeyAsync(long accountId, string name, Money? limit = null)
    {
        var created = await KeyService.CreateAsync(accountId, name, limit, Ct);
        Assert.True(created.Succeeded, created.Failure?.Message);
        return created.Value!.Key;
    }

    /// <summary>One finished call: a hold a little above its tokens, settled with the real counts a few seconds later.
    /// Returns the reservation id.</summary>
    protected async Task<long> CallAsync(long keyId, string model, long input, long output, long cached = 0, string status = RequestStatus.Success,
        IReadOnlyList<string>? tags = null, string? clientIp = "203.0.113.7", bool streaming = true, string? errorCode = null)
    {
        var hold = await Meter.ReserveAsync(new MeterReserveCommand(Guid.NewGuid().ToString("N"), keyId, model, input + 100, output + 500, tags), Ct);
        Assert.True(hold.Succeeded, hold.Failure?.Message);
        Time.Advance(TimeSpan.FromSeconds(3));
        var settled = await Meter.SettleAsync(new MeterSettleCommand(hold.Value!.ReservationId, new TokenCounts(input, output, cached), status,
            status == RequestStatus.Error ? errorCode ?? "upstream_503" : null, 1_250, 310, streaming, null, clientIp, "sdk/2.1"), Ct);
        Assert.True(settled.Succeeded, settled.Failure?.Message);
        Time.Advance(TimeSpan.FromSeconds(1));
        return hold.Value.ReservationId;
    }

    /// <summary>A call whose hold is released before it runs (recorded as cancelled).</summary>
    protected async Task<long> CancelledCallAsync(long keyId, string model)
    {
        var hold = await Meter.ReserveAsync(new MeterReserveCommand(Guid.NewGuid().ToString("N"), keyId, model, 1_000, 1_000), Ct);
        Assert.True(hold.Succeeded, hold.Failure?.Message);
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await Meter.ReleaseAsync(hold.Value!.ReservationId, "client went away", Ct)).Succeeded);
        Time.Advance(TimeSpan.FromSeconds(1));
        return hold.Value.ReservationId;
    }

    /// <summary>A factory whose every query fails (an empty in-memory database), for the error states.</summary>
    protected static IDbContextFactory<BillingDbContext> UnmigratedFactory()
    {
        var options = new DbContextOptionsBuilder<BillingDbContext>();
        new SqliteDatabaseProvider().Configure(options, "Data Source=:memory:");
        return new PooledDbContextFactory<BillingDbContext>(options.Options);
    }

    /// <summary>The popover and dialog hosts of the layout, which MudBlazor selects and dialogs render into.</summary>
    protected IRenderedComponent<MudPopoverProvider> RenderPopovers() => Render<MudPopoverProvider>();

    protected IRenderedComponent<MudDialogProvider> RenderDialogs() => Render<MudDialogProvider>();
}
