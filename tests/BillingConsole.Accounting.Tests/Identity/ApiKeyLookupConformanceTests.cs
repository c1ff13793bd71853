using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Tests.Ledger;
using Microsoft.Extensions.Time.Testing;

namespace BillingConsole.Accounting.Tests.Identity;

/// <summary>The compiled lookup behind customer API calls and keys:verify finds exactly the usable keys on every provider:
/// unknown, revoked and expired secrets (expiry is exclusive) find nothing; an out-of-scope key authenticates but a
/// gateway's verify refuses it.</summary>
public abstract class ApiKeyLookupConformanceTests(LedgerDatabase database) : LedgerTest(database)
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task FindUsableAndVerify_UnknownRevokedExpiredOrOutOfScope_OnlyTheUsableKeysAreFound()
    {
        // One service for the whole test, as in the app: its compiled query runs for every lookup below.
        var keys = new ApiKeyService(Db.Factory, _clock);
        var account = await NewAccountAsync();
        var now = _clock.GetUtcNow().UtcDateTime;
        var active = Ok(await keys.CreateAsync(account, "active", null, [ApiKeyScopes.Inference], null, Ct));
        var revoked = Ok(await keys.CreateAsync(account, "revoked", null, [ApiKeyScopes.Inference], null, Ct));
        var expiring = Ok(await keys.CreateAsync(account, "expiring", null, [ApiKeyScopes.Inference], now.AddHours(1), Ct));
        var keysOnly = Ok(await keys.CreateAsync(account, "keys only", null, [ApiKeyScopes.KeysWrite], null, Ct));
        Assert.True(await keys.RevokeAsync(account, revoked.Key.Id, Ct));

        Assert.Equal(expiring.Key.Id, (await keys.FindUsableAsync(expiring.Secret, Ct))?.Id);
        _clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(active.Key.Id, (await keys.FindUsableAsync(active.Secret, Ct))?.Id);
        var verified = await keys.VerifyAsync(active.Secret, Ct);
        Assert.Equal((account, active.Key.Id), (verified?.AccountId, verified?.Key.Id));
        Assert.Equal(keysOnly.Key.Id, (await keys.FindUsableAsync(keysOnly.Secret, Ct))?.Id);
        Assert.Null(await keys.VerifyAsync(keysOnly.Secret, Ct));
        foreach (var refused in new[] { revoked.Secret, expiring.Secret, active.Secret + "x", "bc_live_unknown" })
        {
            Assert.Null(await keys.FindUsableAsync(refused, Ct));
            Assert.Null(await keys.VerifyAsync(refused, Ct));
        }
    }
}

public sealed class SqliteApiKeyLookupConformanceTests(SqliteLedgerDatabase db) : ApiKeyLookupConformanceTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresApiKeyLookupConformanceTests(PostgresLedgerDatabase db) : ApiKeyLookupConformanceTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerApiKeyLookupConformanceTests(SqlServerLedgerDatabase db) : ApiKeyLookupConformanceTests(db), IClassFixture<SqlServerLedgerDatabase>;
