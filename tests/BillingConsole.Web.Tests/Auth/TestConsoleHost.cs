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

namespace BillingConsole.Web.Tests.Auth;

/// <summary>
/// The real console (Program.cs) on Kestrel at http://127.0.0.1:&lt;free port&gt;, on a fresh SQLite file it migrates at
/// start, with no demo data and with the given environment and settings: for tests that need a configuration of their
/// own (OpenID Connect, a tiny rate limit, Production). Start it with <see cref="Start"/>.
/// </summary>
public class TestConsoleHost(string environment, IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"billing-auth-{Guid.NewGuid():N}.db");

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("ConnectionStrings:Billing", new SqliteConnectionStringBuilder { DataSource = _databasePath, DefaultTimeout = 30 }.ToString());
        builder.UseSetting("Database:ApplyMigrationsAtStartup", "true");
        builder.UseSetting("Demo:Seed", "false");
        builder.UseSetting("Workers:HoldExpiryInterval", "01:00:00");
        builder.UseSetting("Workers:IncrementalCheckInterval", "01:00:00");
        builder.UseSetting("Workers:FullCheckInterval", "01:00:00");
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
    }

    /// <summary>Starts the app (running Program.cs to the end, migrations included) and returns its address.</summary>
    public Uri Start()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return BaseAddress;
    }

    public IDbContextFactory<BillingDbContext> DbFactory => Services.GetRequiredService<IDbContextFactory<BillingDbContext>>();

    /// <summary>An HTTP client on the real socket that keeps cookies and does not follow redirects.</summary>
    public HttpClient Client(string? bearer = null) => TestClients.Create(BaseAddress, bearer);

    public Task<long> CreateAccountAsync(string? name = null) => TestData.CreateAccountAsync(DbFactory, name);

    public Task<long> CreateUserAsync(string email, string role, params long[] accounts) => TestData.CreateUserAsync(DbFactory, email, role, accounts);

    public Task<string> CreateApiKeyAsync(long accountId) => TestData.CreateApiKeyAsync(Services, accountId);

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

/// <summary>Accounts, users with memberships and API keys written straight to the database.</summary>
public static class TestData
{
    public static async Task<long> CreateAccountAsync(IDbContextFactory<BillingDbContext> factory, string? name = null)
    {
        await using var db = await factory.CreateDbContextAsync();
        var account = new Account { Name = name ?? $"Account {Guid.NewGuid():N}"[..20], CreatedAt = DateTime.UtcNow };
        db.Accounts.Add(account);
        await db.SaveChangesAsync();
        return account.Id;
    }

    /// <summary>A user whose default account is the first of <paramref name="accounts"/>, with a membership row for each.</summary>
    public static async Task<long> CreateUserAsync(IDbContextFactory<BillingDbContext> factory, string email, string role, params long[] accounts)
    {
        await using var db = await factory.CreateDbContextAsync();
        var user = new User { Email = email, DisplayName = $"User {email}", Role = role, AccountId = accounts.Length > 0 ? accounts[0] : null };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        foreach (var accountId in accounts)
            db.AccountMembers.Add(new AccountMember { AccountId = accountId, UserId = user.Id, Role = AccountRoles.Owner, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
        return user.Id;
    }

    public static async Task<string> CreateApiKeyAsync(IServiceProvider services, long accountId)
    {
        var created = await services.GetRequiredService<ApiKeyService>().CreateAsync(accountId, "auth test key", null);
        return created.Value!.Secret;
    }
}

public static class TestClients
{
    public static HttpClient Create(Uri baseAddress, string? bearer = null)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress,
        };
        if (bearer is not null)
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }
}
