using System.Net;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.TestSupport;

/// <summary>
/// The real console (Program.cs) on Kestrel at http://127.0.0.1:&lt;free port&gt; (real sockets, real HTTP), on a fresh
/// SQLite file it migrates at start, with the given environment and settings. Without settings of its own it seeds no
/// demo data and its background workers run hourly, out of the way of assertions. <see cref="ConsoleApp"/> is the
/// demo-seeded Development console most API and browser tests share. Start it with <see cref="Start"/>.
/// </summary>
public class TestConsoleHost(string environment, IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"billing-test-{Guid.NewGuid():N}.db");

    public string DatabasePath => _databasePath;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("ConnectionStrings:Billing", new SqliteConnectionStringBuilder { DataSource = _databasePath, DefaultTimeout = 30 }.ToString());
        builder.UseSetting("Database:ApplyMigrationsAtStartup", "true");
        builder.UseSetting("Demo:Seed", "false");
        // Background workers stay out of the way of assertions; tests run the passes they need themselves.
        builder.UseSetting("Workers:HoldExpiryInterval", "01:00:00");
        builder.UseSetting("Workers:IncrementalCheckInterval", "01:00:00");
        builder.UseSetting("Workers:FullCheckInterval", "01:00:00");
        builder.UseSetting("Payments:AutoRechargeInterval", "01:00:00");
        builder.UseSetting("Alerts:EvaluationInterval", "01:00:00");
        builder.UseSetting("Alerts:DispatchInterval", "01:00:00");
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
    }

    /// <summary>Starts the app (running Program.cs to the end, migrations and any seeding included) and returns its address.</summary>
    public Uri Start()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return BaseAddress;
    }

    public IDbContextFactory<BillingDbContext> DbFactory => Services.GetRequiredService<IDbContextFactory<BillingDbContext>>();

    public LedgerWriter Ledger => Services.GetRequiredService<LedgerWriter>();

    /// <summary>An HTTP client on the real socket that keeps cookies (so a browser-like sign-in works) and does not
    /// follow redirects.</summary>
    public HttpClient Client(string? bearer = null) => TestClients.Create(BaseAddress, bearer);

    public Task<long> CreateAccountAsync(string? name = null) => TestData.CreateAccountAsync(DbFactory, name);

    /// <summary>How many ledger entries an account has: a refused request must leave it unchanged.</summary>
    public async Task<long> EntryCountAsync(long accountId)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.LedgerEntries.LongCountAsync(e => e.AccountId == accountId);
    }

    public Task<long> CreateUserAsync(string email, string role, params long[] accounts) => TestData.CreateUserAsync(DbFactory, email, role, accounts);

    public Task<string> CreateApiKeyAsync(long accountId) => TestData.CreateApiKeyAsync(Services, accountId);

    /// <summary>A new account with its own key holding every scope (and optional balance and key limit), for tests that
    /// must not share state.</summary>
    public async Task<(long AccountId, long KeyId, string Secret)> CreateCustomerAsync(Money balance, Money? keyLimit = null)
    {
        var accountId = await CreateAccountAsync($"Test {Guid.NewGuid():N}");
        if (balance.Units > 0)
        {
            var credit = await Ledger.PostAsync(new PostRequest(accountId, EntryTypes.Topup, balance, "Test top-up", new Origin(EntrySources.Console, "tests")));
            if (!credit.Succeeded)
                throw new InvalidOperationException(credit.Failure!.Message);
        }
        // Every scope: the account's one key also manages keys in the tests that use it.
        var created = await Services.GetRequiredService<ApiKeyService>().CreateAsync(accountId, "test key", keyLimit, ApiKeyScopes.All, null);
        return (accountId, created.Value!.Key.Id, created.Value.Secret);
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
                File.Delete(file);
        }
        GC.SuppressFinalize(this);
    }
}
