using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Tests.Ledger;
using Microsoft.Extensions.Time.Testing;

namespace BillingConsole.Accounting.Tests.Identity;

/// <summary>A key created with an idempotency key is created once per account and key, on every provider: a retry,
/// sequential or concurrent, names the first key instead of making a second (its secret cannot be shown again).</summary>
public abstract class ApiKeyIdempotencyConformanceTests(LedgerDatabase database) : LedgerTest(database)
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    private ApiKeyService Keys => new(Db.Factory, _clock);

    private static readonly DateTime Expiry = new(2027, 3, 1, 8, 30, 15, DateTimeKind.Utc);

    private Task<LedgerResult<CreatedApiKey>> CreateAsync(long account, string? idempotencyKey, string name = "ci deploy", Money? limit = null) =>
        Keys.CreateAsync(account, name, limit ?? Money.FromDollars(25), [ApiKeyScopes.Inference], Expiry.AddTicks(1234), idempotencyKey, Ct);

    [Fact]
    public async Task Create_SameIdempotencyKeyAgain_NamesTheFirstKey_OtherSettingsConflict_OtherAccountsAndKeysAreIndependent()
    {
        var account = await NewAccountAsync();
        var other = await NewAccountAsync();

        var first = Ok(await CreateAsync(account, "deploy-42"));
        var again = await CreateAsync(account, "deploy-42");
        var changed = await CreateAsync(account, "deploy-42", limit: Money.FromDollars(30));
        var renamed = await CreateAsync(account, "deploy-42", name: "another name");
        var elsewhere = Ok(await CreateAsync(other, "deploy-42"));
        var second = Ok(await CreateAsync(account, "deploy-43"));
        var withoutKey = Ok(await CreateAsync(account, null));
        var withoutKeyAgain = Ok(await CreateAsync(account, null));

        Fails(again, LedgerError.KeyAlreadyCreated);
        Assert.Equal(first.Key.Id, again.Failure!.KeyId);
        Assert.DoesNotContain(first.Secret, again.Failure.Message);
        Fails(changed, LedgerError.IdempotencyConflict);
        Fails(renamed, LedgerError.IdempotencyConflict);
        Assert.Equal([withoutKeyAgain.Key.Id, withoutKey.Key.Id, second.Key.Id, first.Key.Id], (await Keys.ListAsync(account, Ct)).Select(k => k.Id));
        Assert.Equal([elsewhere.Key.Id], (await Keys.ListAsync(other, Ct)).Select(k => k.Id));
    }

    [Fact]
    public async Task Create_EightConcurrentRetries_OneKey_TheOthersNameIt()
    {
        var account = await NewAccountAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => CreateAsync(account, "provision-7"), Ct)));

        var created = Assert.Single(results, r => r.Succeeded).Value!;
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal((LedgerError.KeyAlreadyCreated, created.Key.Id), (r.Failure!.Error, r.Failure.KeyId!.Value)));
        Assert.Equal(created.Key.Id, Assert.Single(await Keys.ListAsync(account, Ct)).Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\tin key")]
    public async Task Create_BadIdempotencyKey_RefusedAndWritesNothing(string idempotencyKey)
    {
        var account = await NewAccountAsync();

        Fails(await CreateAsync(account, idempotencyKey), LedgerError.InvalidRequest);
        Fails(await CreateAsync(account, new string('k', 151)), LedgerError.InvalidRequest);

        Assert.Empty(await Keys.ListAsync(account, Ct));
    }
}

public sealed class SqliteApiKeyIdempotencyConformanceTests(SqliteLedgerDatabase db) : ApiKeyIdempotencyConformanceTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresApiKeyIdempotencyConformanceTests(PostgresLedgerDatabase db) : ApiKeyIdempotencyConformanceTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerApiKeyIdempotencyConformanceTests(SqlServerLedgerDatabase db) : ApiKeyIdempotencyConformanceTests(db), IClassFixture<SqlServerLedgerDatabase>;
