using System.Globalization;
using System.Security.Claims;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Db.Sqlite;
using BillingConsole.Web.Auth;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using MudBlazor.Services;

namespace BillingConsole.Web.Tests.Components;

/// <summary>
/// A bUnit context over a real, migrated SQLite ledger in a temporary file: entries are written through
/// <see cref="LedgerWriter"/> and the components read them through the real <see cref="LedgerQueries"/> and
/// <see cref="UserDirectory"/>, exactly as in the app.
/// </summary>
public abstract class LedgerComponentTest : BunitContext, IAsyncLifetime
{
    private static readonly SqliteDatabaseProvider Provider = new();
    private readonly List<string> _databaseFiles = [];
    private bool _cleanedUp;

    protected LedgerComponentTest()
    {
        Factory = CreateFactory();
        Ledger = new LedgerWriter(Factory, Provider.Dialect, TimeProvider.System);
        JSInterop.Mode = JSRuntimeMode.Loose;
        // Components render as they do in the live circuit (the layout reads RendererInfo).
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        Services.AddMudServices();
        Services.AddSingleton(Factory);
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<LedgerQueries>();
        Services.AddSingleton<UserDirectory>();
        Services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = Environments.Development });
        Services.AddSingleton<AntiforgeryStateProvider>(new FixedAntiforgeryState());
    }

    protected IDbContextFactory<BillingDbContext> Factory { get; }

    protected LedgerWriter Ledger { get; }

    protected static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync()
    {
        await using var db = await Factory.CreateDbContextAsync(Ct);
        await Provider.PrepareAsync(db, Ct);
        await db.Database.MigrateAsync(Ct);
    }

    protected async Task<long> CreateAccountAsync(string name = "Acme Test Co")
    {
        await using var db = await Factory.CreateDbContextAsync(Ct);
        var account = new Account { Name = name, Email = "billing@test.example", CreatedAt = DateTime.UtcNow };
        db.Accounts.Add(account);
        await db.SaveChangesAsync(Ct);
        return account.Id;
    }

    protected async Task CreateUserAsync(string email, string displayName, string role, long? accountId)
    {
        await using var db = await Factory.CreateDbContextAsync(Ct);
        db.Users.Add(new User { Email = email, DisplayName = displayName, Role = role, AccountId = accountId });
        await db.SaveChangesAsync(Ct);
    }

    protected async Task<PostedEntry> PostAsync(long accountId, string type, Money amount, string description,
        string source = EntrySources.Console, string? refId = null)
    {
        var result = await Ledger.PostAsync(new PostRequest(accountId, type, amount, description, new Origin(source, "tests"), refId), Ct);
        Assert.True(result.Succeeded, result.Failure?.Message);
        return result.Value!;
    }

    /// <summary>A varied history of <paramref name="count"/> entries: an opening top-up, then usage with sub-cent
    /// amounts, with a top-up every tenth entry. Returned oldest first.</summary>
    protected async Task<List<PostedEntry>> SeedHistoryAsync(long accountId, int count)
    {
        var entries = new List<PostedEntry> { await PostAsync(accountId, EntryTypes.Topup, Money.FromDollars(500), "Opening top-up", EntrySources.StripeWebhook, "cs_test_0") };
        for (var i = 1; i < count; i++)
        {
            entries.Add(i % 10 == 0
                ? await PostAsync(accountId, EntryTypes.Topup, Money.FromDollars(25), $"Top-up {i}", EntrySources.StripeWebhook, $"cs_test_{i}")
                : await PostAsync(accountId, EntryTypes.UsageDebit, new Money(-(i * 13_700_000L + 123)), $"API usage {i}",
                    EntrySources.MeteringApi, $"req_{i.ToString(CultureInfo.InvariantCulture)}"));
        }
        return entries;
    }

    /// <summary>Signs a customer of <paramref name="accountId"/> in, as the cookie would (the <c>account_id</c> claim).</summary>
    protected void SignInAs(long? accountId, string name = "Dana Whitfield")
    {
        var auth = AddAuthorization();
        auth.SetAuthorized(name);
        List<Claim> claims = [new(BillingClaims.Name, name), new(BillingClaims.Role, Roles.Customer)];
        if (accountId is { } id)
            claims.Add(new Claim(BillingClaims.AccountId, id.ToString(CultureInfo.InvariantCulture)));
        auth.SetClaims([.. claims]);
        if (accountId is not null)
            auth.SetPolicies(BillingClaims.CustomerPolicy);
    }

    /// <summary>Points the read side at a database file that was never migrated, so every query throws.</summary>
    protected void BreakTheDatabase()
    {
        var broken = CreateFactory();
        Services.AddSingleton(new LedgerQueries(broken, TimeProvider.System));
        Services.AddSingleton(new UserDirectory(broken));
    }

    private PooledDbContextFactory<BillingDbContext> CreateFactory()
    {
        var path = Path.Combine(Path.GetTempPath(), $"billingconsole-components-{Guid.NewGuid():N}.db");
        _databaseFiles.Add(path);
        var options = new DbContextOptionsBuilder<BillingDbContext>();
        Provider.Configure(options, new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30 }.ToString());
        return new PooledDbContextFactory<BillingDbContext>(options.Options);
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        DeleteDatabases();
        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            DeleteDatabases();
    }

    private void DeleteDatabases()
    {
        if (_cleanedUp)
            return;
        _cleanedUp = true;
        SqliteConnection.ClearAllPools();
        foreach (var file in _databaseFiles.SelectMany(f => new[] { f, f + "-wal", f + "-shm" }))
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // A temp file left behind is harmless.
            }
        }
    }

    private sealed class FixedAntiforgeryState : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken GetAntiforgeryToken() => new("test-antiforgery-token", "__RequestVerificationToken");
    }
}
