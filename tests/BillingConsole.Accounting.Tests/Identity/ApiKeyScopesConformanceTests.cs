using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Tests.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace BillingConsole.Accounting.Tests.Identity;

/// <summary><see cref="ApiKeyService"/> stores scopes and expiry on every provider: the stored form, the defaults, UTC
/// round trips and the refusals that write nothing.</summary>
public abstract class ApiKeyScopesConformanceTests(LedgerDatabase database) : LedgerTest(database)
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    private ApiKeyService Keys => new(Db.Factory, _clock);

    [Fact]
    public async Task Create_ScopesAndExpiry_StoredCompactlyAndReadBackInUtc()
    {
        var account = await NewAccountAsync();
        var expires = new DateTime(2027, 1, 2, 3, 4, 5, DateTimeKind.Unspecified);

        var created = Ok(await Keys.CreateAsync(account, "bot", null, [ApiKeyScopes.KeysWrite, ApiKeyScopes.Inference, ApiKeyScopes.KeysWrite], expires, Ct));
        var byDefault = Ok(await Keys.CreateAsync(account, "app", null, Ct));

        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var row = await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == created.Key.Id, Ct);
        Assert.Equal("inference keys:write", row.Scopes);
        var listed = (await Keys.ListAsync(account, Ct)).ToDictionary(k => k.Id);
        Assert.Equal([ApiKeyScopes.Inference, ApiKeyScopes.KeysWrite], listed[created.Key.Id].Scopes);
        Assert.Equal(new DateTime(2027, 1, 2, 3, 4, 5, DateTimeKind.Utc), listed[created.Key.Id].ExpiresAt);
        Assert.Equal(DateTimeKind.Utc, listed[created.Key.Id].ExpiresAt!.Value.Kind);
        Assert.Equal(ApiKeyScopes.Default, listed[byDefault.Key.Id].Scopes);
        Assert.Null(listed[byDefault.Key.Id].ExpiresAt);
        Assert.False(listed[created.Key.Id].IsExpiredAt(_clock.GetUtcNow().UtcDateTime));
        Assert.True(listed[created.Key.Id].IsExpiredAt(new DateTime(2027, 1, 2, 3, 4, 5, DateTimeKind.Utc)));
    }

    [Fact]
    public async Task Create_NoScopesUnknownScopeOrPastExpiry_RefusedAndWritesNothing()
    {
        var account = await NewAccountAsync();
        var now = _clock.GetUtcNow().UtcDateTime;

        Fails(await Keys.CreateAsync(account, "none", null, [], null, Ct), LedgerError.InvalidRequest);
        Fails(await Keys.CreateAsync(account, "unknown", null, ["admin"], null, Ct), LedgerError.InvalidRequest);
        Fails(await Keys.CreateAsync(account, "past", null, null, now.AddSeconds(-1), Ct), LedgerError.InvalidRequest);
        Fails(await Keys.CreateAsync(account, "now", null, null, now, Ct), LedgerError.InvalidRequest);

        Assert.Empty(await Keys.ListAsync(account, Ct));
    }
}

public sealed class SqliteApiKeyScopesConformanceTests(SqliteLedgerDatabase db) : ApiKeyScopesConformanceTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresApiKeyScopesConformanceTests(PostgresLedgerDatabase db) : ApiKeyScopesConformanceTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // a SQL Server container per suite where Docker runs: full runs and CI only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerApiKeyScopesConformanceTests(SqlServerLedgerDatabase db) : ApiKeyScopesConformanceTests(db), IClassFixture<SqlServerLedgerDatabase>;
