using System.Globalization;
using System.Security.Claims;
using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Accounting.Usage;
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
using Microsoft.Extensions.Time.Testing;
using Microsoft.AspNetCore.Components;
using MudBlazor.Services;

namespace BillingConsole.Web.Tests.Components;

/// <summary>
/// A bUnit context over a real, migrated SQLite ledger in a temporary file: entries are written through
/// <see cref="LedgerWriter"/> and the components read them through the real <see cref="LedgerQueries"/> and
/// <see cref="UserDirectory"/>, exactly as in the app. Metered usage is written through the real
/// <see cref="MeteringService"/> (<see cref="MeterCallAsync"/>), on the shared <see cref="Clock"/>.
/// </summary>
public abstract class LedgerComponentTest : BunitContext, IAsyncLifetime
{
    private static readonly SqliteDatabaseProvider Provider = new();
    private readonly List<string> _databaseFiles = [];
    private bool _cleanedUp;

    protected LedgerComponentTest()
    {
        Factory = CreateFactory();
        Ledger = new LedgerWriter(Factory, Provider.Dialect, Clock);
        Catalog = new PriceCatalog(Factory);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(Factory);
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton<LedgerQueries>();
        Services.AddSingleton<AccountSettings>();
        Services.AddSingleton<UsageQueries>();
        Services.AddSingleton<ApiKeyService>();
        Services.AddSingleton(Catalog);
        Services.AddSingleton<UserDirectory>();
        Services.AddSingleton<MembershipLookup>();
        Services.AddSingleton<ConsoleSessions>();
        Services.AddScoped<AccountGate>();
        Services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = Environments.Development });
        Services.AddSingleton<AntiforgeryStateProvider>(new FixedAntiforgeryState());
    }

    protected IDbContextFactory<BillingDbContext> Factory { get; }

    private bool _rendererInfoSet;

    /// <summary>Components render as they do in the live circuit (the layout reads RendererInfo). Set at the first render
    /// rather than in the constructor: setting it resolves the renderer, after which bUnit accepts no more service
    /// registrations, and subclasses and tests (SignInAs, BreakTheDatabase) still add theirs before rendering.</summary>
    private void UseInteractiveRenderer()
    {
        if (_rendererInfoSet)
            return;
        _rendererInfoSet = true;
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public override IRenderedComponent<TComponent> Render<TComponent>(Action<ComponentParameterCollectionBuilder<TComponent>>? parameterBuilder = null)
    {
        UseInteractiveRenderer();
        return base.Render(parameterBuilder);
    }

    public override IRenderedComponent<TComponent> Render<TComponent>(RenderFragment renderFragment)
    {
        UseInteractiveRenderer();
        return base.Render<TComponent>(renderFragment);
    }

    public override IRenderedComponent<Bunit.Rendering.ContainerFragment> Render(RenderFragment renderFragment)
    {
        UseInteractiveRenderer();
        return base.Render(renderFragment);
    }

    protected LedgerWriter Ledger { get; }

    /// <summary>"Now" for the ledger, metering and the components; follows the system clock until a test sets it.</summary>
    /// <summary>"Now" for the ledger, metering and the components alike (so they agree on which UTC day a call settled):
    /// the time the test started until the test moves it; <see cref="FakeTimeProvider.AdjustTime"/> may set it back to
    /// write history at fixed dates.</summary>
    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>The price catalog, filled by <see cref="PrepareMeteringAsync"/>.</summary>
    protected PriceCatalog Catalog { get; }

    private MeteringService? _meter;

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
        var entries = new List<PostedEntry> { await PostAsync(accountId, EntryTypes.Topup, Money.FromDollars(500), "Opening top-up", EntrySources.PaymentWebhook, "cs_test_0") };
        for (var i = 1; i < count; i++)
        {
            entries.Add(i % 10 == 0
                ? await PostAsync(accountId, EntryTypes.Topup, Money.FromDollars(25), $"Top-up {i}", EntrySources.PaymentWebhook, $"cs_test_{i}")
                : await PostAsync(accountId, EntryTypes.UsageDebit, new Money(-(i * 13_700_000L + 123)), $"API usage {i}",
                    EntrySources.MeteringApi, $"req_{i.ToString(CultureInfo.InvariantCulture)}"));
        }
        return entries;
    }

    /// <summary>Synchronizes the price catalog file into the database and loads it, as the app does at start.</summary>
    protected async Task<MeteringService> PrepareMeteringAsync()
    {
        if (_meter is not null)
            return _meter;
        await CatalogFile.SyncAsync(Factory, Ct);
        await Catalog.ReloadAsync(Ct);
        _meter = new MeteringService(Ledger, Catalog, Factory, Clock);
        return _meter;
    }

    /// <summary>A new API key row for <paramref name="accountId"/> (metering needs one).</summary>
    protected async Task<long> CreateApiKeyAsync(long accountId, string name = "Production")
    {
        await using var db = await Factory.CreateDbContextAsync(Ct);
        var key = new ApiKey
        {
            AccountId = accountId, Name = name, Prefix = "bc_test_" + Guid.NewGuid().ToString("N")[..4],
            SecretHash = Guid.NewGuid().ToString("N"), CreatedAt = Clock.GetUtcNow().UtcDateTime,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(Ct);
        return key.Id;
    }

    /// <summary>One metered call through the real metering service at <see cref="Clock"/>'s time: a hold for the tokens
    /// (within the model's context window), then a settlement for them. Returns what the settlement charged.</summary>
    protected async Task<MeteredSettlement> MeterCallAsync(long apiKeyId, string model, long input, long output, long cached = 0,
        string status = RequestStatus.Success, IReadOnlyList<string>? tags = null)
    {
        var meter = await PrepareMeteringAsync();
        var hold = await meter.ReserveAsync(new MeterReserveCommand(Guid.NewGuid().ToString("N"), apiKeyId, model, input, output, tags), Ct);
        Assert.True(hold.Succeeded, hold.Failure?.Message);
        var settled = await meter.SettleAsync(new MeterSettleCommand(hold.Value!.ReservationId, new TokenCounts(input, output, cached), status,
            status == RequestStatus.Error ? "upstream_503" : null, 800, 120, true, null, "203.0.113.7", "tests/1.0"), Ct);
        Assert.True(settled.Succeeded, settled.Failure?.Message);
        return settled.Value!;
    }

    /// <summary>"Now" of <see cref="SeedUsageAsync"/>: 2026-03-18 15:00 UTC, so "this month" is March 2026.</summary>
    protected static readonly DateTime UsageNow = new(2026, 3, 18, 15, 0, 0, DateTimeKind.Utc);

    /// <summary>One seeded metered call.</summary>
    protected sealed record SeededCall(DateTime At, long KeyId, string Model, MeteredSettlement Settled);

    /// <summary>
    /// An account with $500, two keys and metered calls in February and March 2026 on OpenAI, Anthropic, Google and an
    /// embedding model (one failed call, charged nothing), oldest first; the clock is left at <see cref="UsageNow"/>.
    /// </summary>
    protected async Task<(long AccountId, List<SeededCall> Calls)> SeedUsageAsync(string name = "Acme Robotics")
    {
        var account = await CreateAccountAsync(name);
        var production = await CreateApiKeyAsync(account, "Production");
        var staging = await CreateApiKeyAsync(account, "Staging");
        Clock.AdjustTime(new DateTime(2026, 2, 1, 9, 0, 0, DateTimeKind.Utc));
        await PostAsync(account, EntryTypes.Topup, Money.FromDollars(500), "Opening top-up", EntrySources.PaymentWebhook, "cs_test_open");
        (DateTime At, long Key, string Model, long Input, long Output, long Cached, string Status)[] plan =
        [
            (new(2026, 2, 10, 8, 0, 0), production, "gpt-4o", 100_000, 18_000, 0, RequestStatus.Success),
            (new(2026, 2, 27, 23, 30, 0), staging, "claude-sonnet-4-5", 80_000, 9_000, 20_000, RequestStatus.Success),
            (new(2026, 3, 2, 10, 0, 0), production, "gpt-4o", 64_000, 7_777, 0, RequestStatus.Success),
            (new(2026, 3, 9, 12, 0, 0), production, "gpt-5", 33_333, 4_444, 1_111, RequestStatus.Success),
            (new(2026, 3, 9, 12, 5, 0), production, "gpt-5", 1_000, 0, 0, RequestStatus.Error),
            (new(2026, 3, 12, 7, 0, 0), staging, "gemini-2.5-pro", 45_000, 12_000, 0, RequestStatus.Success),
            (new(2026, 3, 16, 16, 0, 0), staging, "claude-sonnet-4-5", 90_000, 11_000, 30_000, RequestStatus.Success),
            (new(2026, 3, 18, 9, 0, 0), production, "text-embedding-3-small", 6_000, 0, 0, RequestStatus.Success),
            (new(2026, 3, 18, 10, 0, 0), staging, "gpt-4o", 20_000, 2_500, 0, RequestStatus.Success),
        ];
        var calls = new List<SeededCall>();
        foreach (var c in plan)
        {
            Clock.AdjustTime(DateTime.SpecifyKind(c.At, DateTimeKind.Utc));
            calls.Add(new SeededCall(DateTime.SpecifyKind(c.At, DateTimeKind.Utc), c.Key, c.Model,
                await MeterCallAsync(c.Key, c.Model, c.Input, c.Output, c.Cached, c.Status)));
        }
        Clock.AdjustTime(UsageNow);
        return (account, calls);
    }

    /// <summary>Opens the MudSelect whose input has <paramref name="testId"/> (unless its list is open already) and
    /// clicks the options with these texts in its popover (MudBlazor renders options only inside a rendered
    /// <see cref="MudBlazor.MudPopoverProvider"/>).</summary>
    protected static async Task PickAsync<T>(IRenderedComponent<MudBlazor.MudPopoverProvider> popovers, IRenderedComponent<T> cut, string testId,
        params string[] options) where T : IComponent
    {
        var input = cut.Find($"[data-testid={testId}]");
        var anchor = input.Closest(".mud-select")!.QuerySelector(".mud-popover-cascading-value")!.Id!;
        var content = "#popovercontent-" + anchor["popover-".Length..];
        if (popovers.Find(content).QuerySelectorAll(".mud-list-item").Length == 0)
            await input.Closest(".mud-input-control")!.MouseDownAsync(new());
        foreach (var text in options)
        {
            popovers.WaitForAssertion(() => Assert.Contains(popovers.Find(content).QuerySelectorAll(".mud-list-item"), i => i.TextContent.Trim() == text));
            var item = popovers.Find(content).QuerySelectorAll(".mud-list-item").First(i => i.TextContent.Trim() == text);
            await item.ClickAsync(new());
        }
    }

    /// <summary>Signs a customer of <paramref name="accountId"/> in, as the cookie would: a real user with a membership row
    /// of <paramref name="role"/> (so the role checks made at each write find it), and the session's claims. Returns the
    /// user's id (null without an account).</summary>
    protected long? SignInAs(long? accountId, string name = "Dana Whitfield", string role = AccountRoles.Owner)
    {
        long? member = null;
        var auth = AddAuthorization();
        auth.SetAuthorized(name);
        List<Claim> claims = [new(BillingClaims.Name, name), new(BillingClaims.Role, Roles.Customer)];
        if (accountId is { } id)
        {
            var userId = TestMembers.CreateAsync(Factory, $"member-{Guid.NewGuid():N}@test.example", id, role).GetAwaiter().GetResult();
            member = userId;
            claims.Add(new Claim(BillingClaims.UserId, userId.ToString(CultureInfo.InvariantCulture)));
            claims.Add(new Claim(BillingClaims.AccountId, id.ToString(CultureInfo.InvariantCulture)));
            claims.Add(new Claim(BillingClaims.AccountRole, role));
        }
        auth.SetClaims([.. claims]);
        if (accountId is not null)
            auth.SetPolicies([.. new[] { BillingClaims.CustomerPolicy, BillingClaims.AccountDeveloperPolicy, BillingClaims.AccountOwnerPolicy }
                .Where(p => AccountPermissions.Rank(role) >= AccountPermissions.Rank(AccountPermissions.MinimumRoleOf(p)))]);
        return member;
    }

    /// <summary>Points the read side at a database file that was never migrated, so every query throws.</summary>
    protected void BreakTheDatabase()
    {
        var broken = CreateFactory();
        Services.AddSingleton(new LedgerQueries(broken, Clock));
        Services.AddSingleton(new AccountSettings(broken));
        Services.AddSingleton(new UsageQueries(broken));
        Services.AddSingleton(new ApiKeyService(broken, Clock));
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
