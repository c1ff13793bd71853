using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BillingConsole.Web.Tests.Payments;

/// <summary>
/// The payments feature as the console wires it (<c>AddPayments</c>, <c>MapPayments</c>) on a real Kestrel socket, over a
/// real database of one provider, with Stripe.net pointed at a <see cref="FakeStripe"/> on loopback.
/// </summary>
public abstract class PaymentsHost(LedgerDatabase database) : IAsyncLifetime
{
    public const string WebhookSecret = "whsec_test_5d1b2c3e4f5a6b7c8d9e0f1a2b3c4d5e";

    private WebApplication? _app;

    public LedgerDatabase Db { get; } = database;
    public FakeStripe Stripe { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;
    public PaymentsService Payments => Services.GetRequiredService<PaymentsService>();
    public LedgerWriter Ledger => Services.GetRequiredService<LedgerWriter>();

    public async ValueTask InitializeAsync()
    {
        await Db.InitializeAsync();
        if (Db.SkipReason is not null)
            return;
        Stripe = await FakeStripe.StartAsync();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Configuration.Sources.Clear(); // only the settings below: no appsettings.json packages merged in
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Stripe:SecretKey"] = "sk_test_x",
            ["Stripe:WebhookSecret"] = WebhookSecret,
            ["Stripe:ApiBase"] = Stripe.Url,
            ["Stripe:MaxNetworkRetries"] = "0",
            ["Payments:AutoRechargeInterval"] = "01:00:00",
            ["Payments:AutoRechargeRetryAfter"] = "00:02:00",
            ["Payments:Packages:0:Id"] = "standard",
            ["Payments:Packages:0:Name"] = "Standard",
            ["Payments:Packages:0:Credits"] = "50",
            ["Payments:Packages:0:FeePercent"] = "5",
            ["Payments:Packages:1:Id"] = "fixed",
            ["Payments:Packages:1:Credits"] = "100",
            ["Payments:Packages:1:FixedFee"] = "1.99",
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(Db.Factory);
        builder.Services.AddSingleton(Db.Dialect);
        builder.Services.AddSingleton<LedgerWriter>();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.AddPayments();
        // The tests run auto-recharge themselves: a worker's run at start-up would claim a test's account between its
        // setup and its own run, and leave its charge still in flight when the test looks at what reached Stripe.
        builder.Services.Remove(builder.Services.Single(d => d.ImplementationType == typeof(BillingConsole.Web.Workers.AutoRechargeWorker)));
        _app = builder.Build();
        _app.MapPayments();
        await _app.StartAsync();
        Http = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (Stripe is not null)
            await Stripe.DisposeAsync();
        await Db.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Delivers a payload to POST /stripe/webhook, signed with the webhook secret unless a header is given.</summary>
    public async Task<HttpResponseMessage> DeliverAsync(string payload, string? signature = null, CancellationToken ct = default)
    {
        using var content = new StringContent(payload, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhook") { Content = content };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", signature ?? StripeObjects.Sign(payload, WebhookSecret));
        return await Http.SendAsync(request, ct);
    }

    public async Task<long> NewAccountAsync(Money? balance = null, string? email = null)
    {
        var id = await Db.CreateAccountAsync(name: $"Payments test {Guid.NewGuid():N}");
        if (email is not null)
            await Db.ExecuteSqlAsync($"UPDATE accounts SET email = '{email}' WHERE id = {id}");
        if (balance is { Units: > 0 } b)
        {
            var r = await Ledger.PostAsync(new PostRequest(id, EntryTypes.Bonus, b, "Opening balance", new Origin(EntrySources.System, "tests")));
            Assert.True(r.Succeeded, r.Failure?.Message);
        }
        return id;
    }

    public async Task<List<LedgerEntry>> EntriesAsync(long accountId)
    {
        await using var db = await Db.Factory.CreateDbContextAsync();
        return await db.LedgerEntries.AsNoTracking().Where(e => e.AccountId == accountId).OrderBy(e => e.Sequence).ToListAsync();
    }

    public async Task<Account> AccountAsync(long accountId)
    {
        await using var db = await Db.Factory.CreateDbContextAsync();
        return await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId);
    }

    /// <summary>Backdates the account's in-flight auto-recharge attempt, as if a worker had started it then.</summary>
    public async Task SetPendingSinceAsync(long accountId, DateTime at)
    {
        await using var db = await Db.Factory.CreateDbContextAsync();
        await db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s.SetProperty(a => a.AutoRechargePendingAt, at));
    }

    public async Task<List<PaymentEvent>> EventsAsync(params string[] eventIds)
    {
        await using var db = await Db.Factory.CreateDbContextAsync();
        return await db.PaymentEvents.AsNoTracking().Where(e => eventIds.Contains(e.EventId)).ToListAsync();
    }
}

public sealed class SqlitePaymentsHost() : PaymentsHost(new SqliteLedgerDatabase());

public sealed class PostgresPaymentsHost() : PaymentsHost(new PostgresLedgerDatabase());

public sealed class SqlServerPaymentsHost() : PaymentsHost(new SqlServerLedgerDatabase());
