using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Tests.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Admin;

/// <summary>
/// Creating, suspending, reinstating and closing accounts on every provider: the write path's guards read the status in
/// the statement that moves the balance, so the refusals hold when a status change races reservations.
/// </summary>
public abstract class AccountLifecycleConformanceTests(LedgerDatabase database) : LedgerTest(database)
{
    private static readonly AdminActor Staff = new(7, "staff@billing.example");

    private AdminAccounts Accounts => new(Db.Factory, Ledger, new AdminAuditLog(Db.Factory, TimeProvider.System), TimeProvider.System);

    private static NewAccountRequest NewAccount(string? key = null, Money? grant = null, string name = "Orbital Labs") =>
        new(key ?? Guid.NewGuid().ToString("N"), name, "billing@orbital.example", -Dollars(50), grant, grant is null ? null : "Signed contract #88");

    private async Task<List<AdminAuditEntry>> AuditRowsAsync(long accountId)
    {
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        return await db.AdminAuditLog.AsNoTracking().Where(e => e.AccountId == accountId).OrderBy(e => e.Id).ToListAsync(Ct);
    }

    private Task<LedgerResult<ReservationHold>> ReserveAsync(long accountId, Money amount) =>
        Ledger.ReserveAsync(new ReserveRequest(accountId, amount, "Hold", Tester), Ct);

    [Fact]
    public async Task CreateAsync_WithOpeningGrant_CreatesActiveAccountWithOneContractGrantAndAuditsBoth()
    {
        var created = Ok(await Accounts.CreateAsync(NewAccount(grant: Dollars(25)), Staff, Ct));

        var a = created.Account;
        Assert.Equal(("Orbital Labs", "billing@orbital.example", AccountStatus.Active, Dollars(25), -Dollars(50), false),
            (a.Name, a.Email, a.Status, a.Balance, a.OverdraftFloor, created.Replayed));
        await using (var db = await Db.Factory.CreateDbContextAsync(Ct))
        {
            var entry = await db.LedgerEntries.AsNoTracking().SingleAsync(e => e.AccountId == a.Id, Ct);
            Assert.Equal((EntryTypes.ContractGrant, Dollars(25).Units, "Signed contract #88", AdminAccounts.OpeningGrantKey, Staff.Email),
                (entry.Type, entry.Amount, entry.Description, entry.IdempotencyKey, entry.Actor));
        }
        var rows = await AuditRowsAsync(a.Id);
        Assert.Equal([AdminActions.AccountCreate, AdminActions.Grant], rows.Select(r => r.Action));
        Assert.All(rows, r => Assert.Equal(Staff.Email, r.Actor));
        await AssertInvariantsHoldAsync(a.Id);
    }

    [Fact]
    public async Task CreateAsync_SameKeyTwice_ReturnsTheSameAccountAndGrantsOnce()
    {
        var request = NewAccount(grant: Dollars(10));
        var first = Ok(await Accounts.CreateAsync(request, Staff, Ct));
        var second = Ok(await Accounts.CreateAsync(request, Staff, Ct));

        Assert.True(second.Replayed);
        Assert.Equal(first.Account.Id, second.Account.Id);
        Assert.Equal((Dollars(10).Units, 1L, 1L), await StateAsync(first.Account.Id));
        Assert.Equal(2, (await AuditRowsAsync(first.Account.Id)).Count);
    }

    [Fact]
    public async Task CreateAsync_ConcurrentRetriesOfOneKey_CreateOneAccount()
    {
        var request = NewAccount(grant: Dollars(3));
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => Accounts.CreateAsync(request, Staff, Ct))));

        var ids = results.Select(r => Ok(r).Account.Id).Distinct().ToList();
        var id = Assert.Single(ids);
        Assert.Equal((Dollars(3).Units, 1L, 1L), await StateAsync(id));
        await AssertInvariantsHoldAsync(id);
    }

    [Fact]
    public async Task CreateAsync_SameKeyOtherDetails_IsAConflictAndWritesNothing()
    {
        var key = Guid.NewGuid().ToString("N");
        var first = Ok(await Accounts.CreateAsync(NewAccount(key), Staff, Ct));

        Fails(await Accounts.CreateAsync(NewAccount(key, grant: Dollars(1000)), Staff, Ct), LedgerError.IdempotencyConflict);
        Fails(await Accounts.CreateAsync(NewAccount(key, name: "Another name"), Staff, Ct), LedgerError.IdempotencyConflict);

        Assert.Equal((0L, 0L, 0L), await StateAsync(first.Account.Id));
        Assert.Single(await AuditRowsAsync(first.Account.Id));
    }

    [Theory]
    [InlineData("", "billing@x.example", 0, null, null, "idempotency_key")]
    [InlineData("k", " ", 0, null, null, "name")]
    [InlineData("k", "Name", 0, null, null, "email")]
    [InlineData("k", "Name", 5, null, null, "floor")]
    [InlineData("k", "Name", 0, -3, "Negative grant", "positive")]
    [InlineData("k", "Name", 0, 3, "no", "reason")]
    [InlineData("k", "Name", 0, null, "A reason without a grant", "amount")]
    public async Task CreateAsync_InvalidRequest_IsRefusedAndCreatesNothing(string key, string name, int floorDollars, int? grantDollars,
        string? reason, string message)
    {
        var email = name == "Name" && message == "email" ? "not-an-email" : "billing@x.example";
        var tag = $"Invalid {Guid.NewGuid():N}";
        var request = new NewAccountRequest(key, name == "Name" ? tag : name, email, Dollars(floorDollars),
            grantDollars is { } g ? Dollars(g) : null, reason);

        var result = await Accounts.CreateAsync(request, Staff, Ct);

        Fails(result, LedgerError.InvalidRequest);
        Assert.Contains(message, result.Failure!.Message, StringComparison.OrdinalIgnoreCase);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.False(await db.Accounts.AnyAsync(a => a.Name == tag, Ct));
    }

    [Fact]
    public async Task SuspendAsync_RefusesNewReservations_WhileSettlementsReleasesAndPostsLand()
    {
        var id = await NewAccountAsync(Dollars(10));
        var settleMe = Ok(await ReserveAsync(id, Dollars(1)));
        var releaseMe = Ok(await ReserveAsync(id, Dollars(1)));

        var suspended = Ok(await Accounts.SuspendAsync(id, "Chargeback under review", Staff, Ct));

        Assert.Equal(AccountStatus.Suspended, suspended.Status);
        Fails(await ReserveAsync(id, Cents(1)), LedgerError.AccountSuspended);
        Ok(await Ledger.SettleAsync(new SettleRequest(id, settleMe.ReservationId, Cents(40), "Settled", Tester), Ct));
        Ok(await Ledger.ReleaseAsync(new ReleaseRequest(id, releaseMe.ReservationId, "Released", Tester), Ct));
        Ok(await Ledger.PostAsync(Credit(id, Dollars(5)), Ct));
        Ok(await Ledger.PostAsync(new PostRequest(id, EntryTypes.Refund, Dollars(1), "Refund", Tester), Ct));
        Ok(await Ledger.PostAsync(Debit(id, Cents(10)), Ct));
        Assert.Equal(Dollars(10).Units - Cents(40).Units + Dollars(6).Units - Cents(10).Units, (await StateAsync(id)).Balance);
        var row = Assert.Single(await AuditRowsAsync(id));
        Assert.Equal((AdminActions.AccountSuspend, "Chargeback under review", AccountStatus.Active, AccountStatus.Suspended),
            (row.Action, row.Reason, row.Before, row.After));
        await AssertInvariantsHoldAsync(id);
    }

    [Fact]
    public async Task ReinstateAsync_SuspendedAccount_TakesReservationsAgain_AndRepeatsAreNoOps()
    {
        var id = await NewAccountAsync(Dollars(10));
        Ok(await Accounts.SuspendAsync(id, "Fraud check pending", Staff, Ct));
        Ok(await Accounts.SuspendAsync(id, "Fraud check pending", Staff, Ct));

        var reinstated = Ok(await Accounts.ReinstateAsync(id, "Fraud check cleared", Staff, Ct));
        Ok(await Accounts.ReinstateAsync(id, "Fraud check cleared", Staff, Ct));

        Assert.Equal(AccountStatus.Active, reinstated.Status);
        Ok(await ReserveAsync(id, Cents(1)));
        Assert.Equal([AdminActions.AccountSuspend, AdminActions.AccountReinstate], (await AuditRowsAsync(id)).Select(r => r.Action));
    }

    [Fact]
    public async Task CloseAsync_BalanceNotZeroOrOpenHold_IsRefusedAndChangesNothing()
    {
        var funded = await NewAccountAsync(Dollars(1));
        Fails(await Accounts.CloseAsync(funded, "Customer left us", Staff, Ct), LedgerError.AccountNotEmpty);

        // A zero balance with an open hold: the floor lets the hold take the balance below zero, the credit brings it back.
        var held = await NewAccountAsync(floor: -Dollars(5));
        Ok(await ReserveAsync(held, Dollars(2)));
        Ok(await Ledger.PostAsync(Credit(held, Dollars(2)), Ct));
        Assert.Equal(0L, (await StateAsync(held)).Balance);
        var refused = await Accounts.CloseAsync(held, "Customer left us", Staff, Ct);

        Fails(refused, LedgerError.AccountNotEmpty);
        Assert.Contains("open hold", refused.Failure!.Message);
        Assert.Equal(AccountStatus.Active, (await Accounts.GetAsync(held, Ct))!.Status);
        Assert.Empty(await AuditRowsAsync(funded));
        Assert.Empty(await AuditRowsAsync(held));
    }

    [Fact]
    public async Task CloseAsync_AtZero_RefusesEveryNewWrite_AndStaysReadable()
    {
        var id = await NewAccountAsync(Dollars(2));
        Ok(await Ledger.PostAsync(Debit(id, Dollars(2)), Ct));
        var closed = Ok(await Accounts.CloseAsync(id, "Customer asked to close", Staff, Ct));

        Assert.Equal(AccountStatus.Closed, closed.Status);
        Fails(await ReserveAsync(id, Cents(1)), LedgerError.AccountClosed);
        foreach (var post in new[] { Credit(id, Dollars(1)), Debit(id, Cents(1)), new PostRequest(id, EntryTypes.Refund, Cents(1), "Refund", Tester),
                     new PostRequest(id, EntryTypes.AdminCorrection, Cents(1), "Correction", Tester) })
            Fails(await Ledger.PostAsync(post, Ct), LedgerError.AccountClosed);
        Fails(await Accounts.SuspendAsync(id, "Too late for this", Staff, Ct), LedgerError.AccountClosed);
        Fails(await Accounts.ReinstateAsync(id, "Too late for this", Staff, Ct), LedgerError.AccountClosed);
        Ok(await Accounts.CloseAsync(id, "Customer asked to close", Staff, Ct));

        Assert.Equal((0L, 2L, 2L), await StateAsync(id));
        Assert.Equal(AccountStatus.Closed, (await Accounts.GetAsync(id, Ct))!.Status);
        var row = Assert.Single(await AuditRowsAsync(id));
        Assert.Equal((AdminActions.AccountClose, AccountStatus.Active, AccountStatus.Closed), (row.Action, row.Before, row.After));
        await AssertInvariantsHoldAsync(id);
    }

    [Fact]
    public async Task CloseAsync_SuspendedAccountAtZero_Closes_AndTheAuditRowSaysFromSuspended()
    {
        var id = await NewAccountAsync();
        Ok(await Accounts.SuspendAsync(id, "Unpaid invoice", Staff, Ct));

        Ok(await Accounts.CloseAsync(id, "Written off and closed", Staff, Ct));

        var rows = await AuditRowsAsync(id);
        Assert.Equal((AdminActions.AccountClose, AccountStatus.Suspended, AccountStatus.Closed), (rows[^1].Action, rows[^1].Before, rows[^1].After));
        Fails(await Ledger.PostAsync(Credit(id, Dollars(1)), Ct), LedgerError.AccountClosed);
    }

    [Fact]
    public async Task StatusColumn_UnknownValue_IsRefusedByTheCheckConstraint()
    {
        var id = await NewAccountAsync();

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => Db.ExecuteSqlAsync($"UPDATE accounts SET status = 'frozen' WHERE id = {id}"));

        Assert.Equal(AccountStatus.Active, (await Accounts.GetAsync(id, Ct))!.Status);
    }

    [Fact]
    public async Task SuspendAsync_RacingReservations_EveryReservationLandsOrIsRefusedAsSuspended()
    {
        var id = await NewAccountAsync(Dollars(100));
        var start = new TaskCompletionSource();
        var reserves = Enumerable.Range(0, 24).Select(_ => Task.Run(async () => { await start.Task; return await ReserveAsync(id, Cents(10)); })).ToList();
        var suspend = Task.Run(async () => { await start.Task; return await Accounts.SuspendAsync(id, "Suspended during traffic", Staff, Ct); });
        start.SetResult();
        var results = await Task.WhenAll(reserves);
        Ok(await suspend);

        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(LedgerError.AccountSuspended, r.Failure!.Error));
        Fails(await ReserveAsync(id, Cents(10)), LedgerError.AccountSuspended);
        var landed = results.Count(r => r.Succeeded);
        Assert.Equal((Dollars(100).Units - landed * Cents(10).Units, 1L + landed, 1L + landed), await StateAsync(id));
        await AssertInvariantsHoldAsync(id);
    }

    [Fact]
    public async Task CloseAsync_RacingReservations_EitherClosesWithNoHoldOrIsRefused()
    {
        // At zero with room below: every reservation could land, and each one makes the balance non-zero.
        var id = await NewAccountAsync(floor: -Dollars(100));
        var start = new TaskCompletionSource();
        var reserves = Enumerable.Range(0, 24).Select(_ => Task.Run(async () => { await start.Task; return await ReserveAsync(id, Cents(10)); })).ToList();
        var close = Task.Run(async () => { await start.Task; return await Accounts.CloseAsync(id, "Closed during traffic", Staff, Ct); });
        start.SetResult();
        var results = await Task.WhenAll(reserves);
        var closing = await close;

        var landed = results.Count(r => r.Succeeded);
        var view = (await Accounts.GetAsync(id, Ct))!;
        if (closing.Succeeded)
        {
            Assert.Equal((AccountStatus.Closed, 0L), (view.Status, view.Balance.Units));
            Assert.Equal(0, landed);
            Assert.All(results, r => Assert.Equal(LedgerError.AccountClosed, r.Failure!.Error));
        }
        else
        {
            Assert.Equal(LedgerError.AccountNotEmpty, closing.Failure!.Error);
            Assert.Equal(AccountStatus.Active, view.Status);
            Assert.True(landed > 0);
            Assert.All(results, r => Assert.True(r.Succeeded, $"{r.Failure}"));
        }
        Assert.Equal(-landed * Cents(10).Units, (await StateAsync(id)).Balance);
        await AssertInvariantsHoldAsync(id);
    }
}

public sealed class SqliteAccountLifecycleConformanceTests(SqliteLedgerDatabase db) : AccountLifecycleConformanceTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresAccountLifecycleConformanceTests(PostgresLedgerDatabase db) : AccountLifecycleConformanceTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // a SQL Server container per suite where Docker runs: full runs and CI only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerAccountLifecycleConformanceTests(SqlServerLedgerDatabase db) : AccountLifecycleConformanceTests(db), IClassFixture<SqlServerLedgerDatabase>;
