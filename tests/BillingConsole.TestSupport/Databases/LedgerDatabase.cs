using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;

namespace BillingConsole.TestSupport;

/// <summary>
/// A real, freshly migrated database of one provider, shared by the tests of one class. Each test works on accounts it
/// creates, so tests never see each other's balances. When the server cannot be had here, <see cref="SkipReason"/>
/// says why and tests skip with that reason (or fail in CI, for servers CI must provide).
/// </summary>
public abstract class LedgerDatabase : IAsyncLifetime
{
    private PooledDbContextFactory<BillingDbContext>? _factory;

    protected abstract IBillingDatabaseProvider Provider { get; }

    /// <summary>Creates the empty database and returns its connection string, or null with <see cref="SkipReason"/> set.</summary>
    protected abstract Task<string?> CreateDatabaseAsync();

    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;

    public string? SkipReason { get; protected set; }

    /// <summary>The migration the database starts at (null: the latest); see <see cref="MigrateAsync"/>.</summary>
    protected virtual string? StartMigration => null;

    public string ProviderName => Provider.Name;

    /// <summary>The database's context factory; skips the calling test when the database is unavailable.</summary>
    public IDbContextFactory<BillingDbContext> Factory
    {
        get
        {
            RequireAvailable();
            return _factory!;
        }
    }

    public ILedgerDialect Dialect => Provider.Dialect;

    /// <summary>A writer with group commit on for every provider, so the conformance suites cover the grouped path.</summary>
    public LedgerWriter Writer(TimeProvider? clock = null) =>
        new(Factory, Dialect, clock ?? TimeProvider.System, Options.Create(new GroupCommitOptions { Enabled = true }));

    public async ValueTask InitializeAsync()
    {
        var connectionString = await CreateDatabaseAsync();
        if (connectionString is null)
            return;
        var options = new DbContextOptionsBuilder<BillingDbContext>();
        Provider.Configure(options, connectionString);
        _factory = new PooledDbContextFactory<BillingDbContext>(options.Options);
        await using var db = await _factory.CreateDbContextAsync();
        await Provider.PrepareAsync(db, CancellationToken.None);
        await MigrateAsync(StartMigration);
    }

    /// <summary>Migrates the database to <paramref name="migration"/> (a migration's name; null: the latest).</summary>
    public async Task MigrateAsync(string? migration = null)
    {
        await using var db = await _factory!.CreateDbContextAsync();
        await db.Database.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync(migration);
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
            await DropDatabaseAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Skips the calling test with the reason the database is missing.</summary>
    public void RequireAvailable()
    {
        if (SkipReason is not null)
            Assert.Skip(SkipReason);
    }

    public async Task<long> CreateAccountAsync(Money? overdraftFloor = null, string name = "Test account")
    {
        await using var db = await Factory.CreateDbContextAsync();
        var account = new Account { Name = name, OverdraftFloor = overdraftFloor?.Units ?? 0, CreatedAt = DateTime.UtcNow };
        db.Accounts.Add(account);
        await db.SaveChangesAsync();
        return account.Id;
    }

    public async Task<int> ExecuteSqlAsync(string sql)
    {
        await using var db = await Factory.CreateDbContextAsync();
        return await db.Database.ExecuteSqlRawAsync(sql);
    }
}
