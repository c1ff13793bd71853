using System.Net;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Infrastructure;

/// <summary>
/// The real console on Kestrel (real sockets, real HTTP) in Development mode, on a fresh SQLite file that it migrates
/// and seeds with the demo data at start, exactly as <c>dotnet run</c> does.
/// </summary>
public sealed class ConsoleApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"billing-web-{Guid.NewGuid():N}.db");

    public string DatabasePath => _databasePath;

    /// <summary>The demo customer's API key from the development configuration.</summary>
    public string CustomerApiKey => Services.GetRequiredService<IConfiguration>()["Demo:CustomerApiKey"]
        ?? throw new InvalidOperationException("Demo:CustomerApiKey is missing from appsettings.Development.json.");

    /// <summary>The demo gateway's metering token from the development configuration.</summary>
    public string MeteringToken => Services.GetRequiredService<IConfiguration>()["Demo:MeteringToken"]
        ?? throw new InvalidOperationException("Demo:MeteringToken is missing from appsettings.Development.json.");

    /// <summary>A new account with its own key (and optional balance and key limit), for tests that must not share state.</summary>
    public async Task<(long AccountId, long KeyId, string Secret)> CreateCustomerAsync(Money balance, Money? keyLimit = null)
    {
        long accountId;
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            var account = new Account { Name = $"Test {Guid.NewGuid():N}", CreatedAt = DateTime.UtcNow };
            db.Accounts.Add(account);
            await db.SaveChangesAsync();
            accountId = account.Id;
        }
        if (balance.Units > 0)
        {
            var credit = await Ledger.PostAsync(new PostRequest(accountId, EntryTypes.Topup, balance, "Test top-up", new Origin(EntrySources.Console, "tests")));
            if (!credit.Succeeded)
                throw new InvalidOperationException(credit.Failure!.Message);
        }
        var created = await Services.GetRequiredService<ApiKeyService>().CreateAsync(accountId, "test key", keyLimit);
        return (accountId, created.Value!.Key.Id, created.Value.Secret);
    }

    public Uri BaseAddress => new(ClientOptions.BaseAddress.ToString());

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Billing", new SqliteConnectionStringBuilder { DataSource = _databasePath, DefaultTimeout = 30 }.ToString());
        // Background workers stay out of the way of assertions; tests call the engine directly when they need them.
        builder.UseSetting("Workers:HoldExpiryInterval", "01:00:00");
        // A smaller history than the development seed keeps start-up and full-history paging quick.
        builder.UseSetting("Demo:Requests", "3000");
        builder.UseSetting("Demo:Days", "30");
        builder.UseSetting("Workers:IncrementalCheckInterval", "01:00:00");
        // Payments stay in development mode (no Stripe:SecretKey); tests run auto-recharge passes themselves.
        builder.UseSetting("Payments:AutoRechargeInterval", "01:00:00");
    }

    public ValueTask InitializeAsync()
    {
        UseKestrel(0);
        StartServer();
        return ValueTask.CompletedTask;
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
            File.Delete(file);
    }

    /// <summary>An HTTP client on the real socket; cookies are kept so a browser-like sign-in works.</summary>
    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = BaseAddress,
        };
        if (apiKey is not null)
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public IDbContextFactory<BillingDbContext> DbFactory => Services.GetRequiredService<IDbContextFactory<BillingDbContext>>();

    public LedgerWriter Ledger => Services.GetRequiredService<LedgerWriter>();

    /// <summary>Issues a fresh API key for a seeded account (stored hashed, as the key service will).</summary>
    public async Task<(long AccountId, string Secret)> CreateApiKeyAsync(string accountName)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var accountId = await db.Accounts.Where(a => a.Name == accountName).Select(a => a.Id).SingleAsync();
        var secret = $"bc_test_{Guid.NewGuid():N}";
        db.ApiKeys.Add(new ApiKey
        {
            AccountId = accountId, Name = "test", Prefix = ApiKey.PrefixOf(secret), SecretHash = ApiKey.Hash(secret), CreatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
        return (accountId, secret);
    }

    public async Task<long> DemoAccountIdAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.Accounts.Where(a => a.Name == "Acme Robotics").Select(a => a.Id).SingleAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleAppCollection : ICollectionFixture<ConsoleApp>
{
    public const string Name = "console app";
}
