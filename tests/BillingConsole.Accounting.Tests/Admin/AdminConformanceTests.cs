using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Tests.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace BillingConsole.Accounting.Tests.Admin;

/// <summary>
/// What billing staff do, on every provider: each money action is one ledger entry (reason as its description, the admin
/// as its actor) plus one audit row naming it; a refused or invalid action writes neither; a repeated request posts once.
/// </summary>
public abstract class AdminConformanceTests(LedgerDatabase database) : LedgerTest(database)
{
    private static readonly AdminActor Staff = new(7, "staff@billing.example");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    private AdminAuditLog Audit => new(Db.Factory, _clock);
    private AdminAdjustments Adjustments => new(Db.Factory, Db.Writer(_clock), Audit);

    private async Task<List<AdminAuditEntry>> AuditRowsAsync(long accountId)
    {
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        return await db.AdminAuditLog.AsNoTracking().Where(e => e.AccountId == accountId).OrderBy(e => e.Id).ToListAsync(Ct);
    }

    private async Task<LedgerEntry> LastEntryAsync(long accountId)
    {
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        return await db.LedgerEntries.AsNoTracking().Where(e => e.AccountId == accountId).OrderByDescending(e => e.Sequence).FirstAsync(Ct);
    }

    [Fact]
    public async Task Correction_PostsOneEntryWithTheReason_AndAnAuditRowNamingIt()
    {
        var id = await NewAccountAsync(Dollars(10));
        var posted = Ok(await Adjustments.PostAsync(new(Guid.NewGuid(), id, EntryTypes.AdminCorrection, -Cents(325), "  Duplicate charge on 20 Nov  "), Staff, Ct));

        Assert.Equal(Cents(675), posted.BalanceAfter);
        var entry = await LastEntryAsync(id);
        Assert.Equal((EntryTypes.AdminCorrection, -Cents(325).Units, "Duplicate charge on 20 Nov", EntrySources.Admin, Staff.Email),
            (entry.Type, entry.Amount, entry.Description, entry.Source, entry.Actor));
        var row = Assert.Single(await AuditRowsAsync(id));
        Assert.Equal((AdminActions.Correction, Staff.Email, "Duplicate charge on 20 Nov", "$10.00", "$6.75", (long?)posted.EntryId),
            (row.Action, row.Actor, row.Reason, row.Before, row.After, row.LedgerEntryId));
        await AssertInvariantsHoldAsync(id);
    }

    [Fact]
    public async Task SameRequestTwice_PostsOnce_AndAuditsOnce()
    {
        var id = await NewAccountAsync(Dollars(10));
        var request = new AdjustmentRequest(Guid.NewGuid(), id, EntryTypes.Refund, Dollars(2), "Refund for the outage of 19 Nov");
        var first = Ok(await Adjustments.PostAsync(request, Staff, Ct));
        var second = Ok(await Adjustments.PostAsync(request, Staff, Ct));

        Assert.True(second.Replayed);
        Assert.Equal(first.EntryId, second.EntryId);
        Assert.Equal((Dollars(12).Units, 2L, 2L), await StateAsync(id));
        Assert.Single(await AuditRowsAsync(id));
        await AssertInvariantsHoldAsync(id);
    }

    [Theory]
    [InlineData(EntryTypes.AdminCorrection, -1500, "Oops", "at least 5")]
    [InlineData(EntryTypes.AdminCorrection, 0, "Nothing to correct", "other than zero")]
    [InlineData(EntryTypes.Bonus, -100, "Negative bonus", "positive")]
    [InlineData(EntryTypes.Refund, -100, "Negative refund", "positive")]
    [InlineData(EntryTypes.UsageDebit, -100, "Not an admin type", "not an adjustment")]
    public async Task InvalidAdjustment_IsRefused_AndWritesNothing(string type, long cents, string reason, string message)
    {
        var id = await NewAccountAsync(Dollars(10));
        var before = await StateAsync(id);
        var result = await Adjustments.PostAsync(new(Guid.NewGuid(), id, type, Cents(cents), reason), Staff, Ct);

        Fails(result, LedgerError.InvalidRequest);
        Assert.Contains(message, result.Failure!.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await StateAsync(id));
        Assert.Empty(await AuditRowsAsync(id));
    }

    [Fact]
    public async Task CorrectionBelowTheFloor_IsPreviewedAsRefused_AndRefused()
    {
        var id = await NewAccountAsync(Dollars(5));
        var preview = await Adjustments.PreviewAsync(id, EntryTypes.AdminCorrection, -Dollars(8), Ct);
        Assert.Equal((Dollars(5), -Dollars(3), Money.Zero), (preview!.Balance, preview.Resulting, preview.OverdraftFloor));
        Assert.Contains("below the account's floor", preview.Refusal);

        Fails(await Adjustments.PostAsync(new(Guid.NewGuid(), id, EntryTypes.AdminCorrection, -Dollars(8), "Reverse the goodwill credit"), Staff, Ct),
            LedgerError.InsufficientCredits);
        Assert.Equal((Dollars(5).Units, 1L, 1L), await StateAsync(id));
        Assert.Empty(await AuditRowsAsync(id));
        Assert.Null((await Adjustments.PreviewAsync(id, EntryTypes.AdminCorrection, Dollars(1), Ct))!.Refusal);
    }

    [Theory]
    [InlineData(EntryTypes.Bonus)]
    [InlineData(EntryTypes.ContractGrant)]
    [InlineData(EntryTypes.BonusGrant)]
    public async Task Grants_AddCredit_AsTheirOwnEntryType(string type)
    {
        var id = await NewAccountAsync();
        Ok(await Adjustments.PostAsync(new(Guid.NewGuid(), id, type, Dollars(250), "Q4 contract credit"), Staff, Ct));

        var entry = await LastEntryAsync(id);
        Assert.Equal((type, Dollars(250).Units), (entry.Type, entry.BalanceAfter));
        Assert.Equal(AdminActions.Grant, Assert.Single(await AuditRowsAsync(id)).Action);
        await AssertInvariantsHoldAsync(id);
    }

    [Fact]
    public async Task OverdraftFloor_ChangesWithAnAuditRow_AndTheWritePathHonoursIt()
    {
        var id = await NewAccountAsync(Dollars(1));
        var limits = new AdminAccountLimits(Db.Factory, new ApiKeyService(Db.Factory, _clock), Audit);
        Fails(await Ledger.ReserveAsync(new ReserveRequest(id, Dollars(3), "Hold", Tester), Ct), LedgerError.InsufficientCredits);

        Fails(await limits.SetOverdraftFloorAsync(id, Dollars(5), "Positive floors make no sense", Staff, Ct), LedgerError.InvalidRequest);
        Ok(await limits.SetOverdraftFloorAsync(id, -Dollars(50), "Net-30 terms signed", Staff, Ct));

        Ok(await Ledger.ReserveAsync(new ReserveRequest(id, Dollars(3), "Hold", Tester), Ct));
        var row = Assert.Single(await AuditRowsAsync(id));
        Assert.Equal((AdminActions.OverdraftFloor, "$0.00", "-$50.00", "Net-30 terms signed"), (row.Action, row.Before, row.After, row.Reason));
        await AssertInvariantsHoldAsync(id);
    }

    /// <summary>Concurrent floor changes each succeed, and their audit rows chain: each one's "before" is the floor the
    /// one before it set, so the trail explains the final floor step by step.</summary>
    [Fact]
    public async Task OverdraftFloor_ChangedConcurrently_AuditRowsChainFromTheFirstFloorToTheLast()
    {
        var id = await NewAccountAsync(Dollars(1));
        var limits = new AdminAccountLimits(Db.Factory, new ApiKeyService(Db.Factory, _clock), Audit);

        var results = await Task.WhenAll(Enumerable.Range(1, 12)
            .Select(i => Task.Run(() => limits.SetOverdraftFloorAsync(id, -Dollars(10 * i), $"Terms revision {i}", Staff, Ct))));

        Assert.All(results, r => Ok(r));
        var rows = await AuditRowsAsync(id);
        Assert.Equal(12, rows.Count);
        Assert.Equal("$0.00", rows[0].Before);
        for (var i = 1; i < rows.Count; i++)
            Assert.Equal(rows[i - 1].After, rows[i].Before);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var floor = await db.Accounts.Where(a => a.Id == id).Select(a => a.OverdraftFloor).SingleAsync(Ct);
        Assert.Equal(new Money(floor).Format(), rows[^1].After);
    }

    /// <summary>A key's limit and its audit row are written together; concurrent changes chain like the floor's; a bad
    /// limit or another account's key writes nothing.</summary>
    [Fact]
    public async Task KeyLimit_ChangedConcurrently_AuditRowsChain_AndARefusedChangeWritesNothing()
    {
        var id = await NewAccountAsync(Dollars(1));
        var keys = new ApiKeyService(Db.Factory, _clock);
        var key = Ok(await keys.CreateAsync(id, "gateway", Dollars(5), Ct)).Key;
        var limits = new AdminAccountLimits(Db.Factory, keys, Audit);

        Fails(await limits.SetKeyLimitAsync(id, key.Id, -Dollars(1), "Negative", Staff, Ct), LedgerError.InvalidRequest);
        Fails(await limits.SetKeyLimitAsync(id + 1_000_000, key.Id, Dollars(9), "Wrong account", Staff, Ct), LedgerError.NotFound);
        Assert.Empty(await AuditRowsAsync(id));
        var results = await Task.WhenAll(Enumerable.Range(1, 12).Select(i => Task.Run(() =>
            limits.SetKeyLimitAsync(id, key.Id, i % 4 == 0 ? null : Dollars(10 * i), $"Quota review {i}", Staff, Ct))));

        Assert.All(results, r => Ok(r));
        var rows = await AuditRowsAsync(id);
        Assert.Equal(12, rows.Count);
        Assert.All(rows, r => Assert.Equal((AdminActions.KeyLimit, $"key:{key.Id} {key.Prefix}"), (r.Action, r.Target)));
        Assert.Equal("$5.00", rows[0].Before);
        for (var i = 1; i < rows.Count; i++)
            Assert.Equal(rows[i - 1].After, rows[i].Before);
        var final = await keys.FindAsync(id, key.Id, Ct);
        Assert.Equal(final!.MonthlySpendLimit?.Format() ?? "no limit", rows[^1].After);
    }

    [Fact]
    public async Task OverdueHold_IsListed_AndReleasedOnce_ByStaff()
    {
        var id = await NewAccountAsync(Dollars(10));
        var writer = Db.Writer(_clock);
        var hold = Ok(await writer.ReserveAsync(new ReserveRequest(id, Dollars(4), "Hold", Tester, Ttl: TimeSpan.FromMinutes(5)), Ct));
        var holds = new AdminHolds(Db.Factory, writer, Audit, _clock);
        Assert.DoesNotContain(await holds.ListAsync(ct: Ct), h => h.ReservationId == hold.ReservationId);
        Assert.Contains(await holds.ListAsync(id, Ct), h => h.ReservationId == hold.ReservationId);

        _clock.Advance(TimeSpan.FromMinutes(30));
        var overdue = Assert.Single(await holds.ListAsync(ct: Ct), h => h.ReservationId == hold.ReservationId);
        Assert.True(overdue.IsOverdue(_clock.GetUtcNow().UtcDateTime));

        Fails(await holds.ReleaseAsync(id + 1_000_000, hold.ReservationId, "Wrong account", Staff, Ct), LedgerError.NotFound);
        var released = Ok(await holds.ReleaseAsync(id, hold.ReservationId, "Gateway crashed mid-call", Staff, Ct));
        Assert.Equal(Dollars(10), released.BalanceAfter);
        Assert.True(Ok(await holds.ReleaseAsync(id, hold.ReservationId, "Gateway crashed mid-call", Staff, Ct)).Replayed);
        Assert.DoesNotContain(await holds.ListAsync(ct: Ct), h => h.ReservationId == hold.ReservationId);
        var row = Assert.Single(await AuditRowsAsync(id));
        Assert.Equal((AdminActions.ReleaseHold, (long?)released.EntryId), (row.Action, row.LedgerEntryId));
        await AssertInvariantsHoldAsync(id);
    }

    [Fact]
    public async Task Search_FindsAccounts_ByNameEmailIdStripeCustomerAndMemberEmail()
    {
        Db.RequireAvailable();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var id = await Db.CreateAccountAsync(name: $"Orbital Labs {tag}");
        await using (var db = await Db.Factory.CreateDbContextAsync(Ct))
        {
            await db.Accounts.Where(a => a.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.Email, $"billing-{tag}@orbital.example").SetProperty(a => a.PaymentCustomerId, $"cus_{tag}"), Ct);
            var user = new User { Email = $"dev-{tag}@member.example", DisplayName = "Dev" };
            db.Users.Add(user);
            await db.SaveChangesAsync(Ct);
            db.AccountMembers.Add(new AccountMember { AccountId = id, UserId = user.Id, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(Ct);
        }
        var search = new AccountSearch(Db.Factory);
        foreach (var text in new[] { $"orbital labs {tag.ToUpperInvariant()}", $"BILLING-{tag}", id.ToString(), $"#{id}", $"cus_{tag}", $"dev-{tag}@member" })
            Assert.True((await search.FindAsync(text, Ct)).Any(h => h.Id == id), $"'{text}' should find account {id}");
        Assert.Empty(await search.FindAsync($"no-such-{tag}", Ct));

        var view = await search.GetAsync(id, Ct);
        Assert.Equal(($"cus_{tag}", $"dev-{tag}@member.example"), (view!.PaymentCustomerId, Assert.Single(view.Members).Email));
    }
}

public sealed class SqliteAdminConformanceTests(SqliteLedgerDatabase db) : AdminConformanceTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresAdminConformanceTests(PostgresLedgerDatabase db) : AdminConformanceTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerAdminConformanceTests(SqlServerLedgerDatabase db) : AdminConformanceTests(db), IClassFixture<SqlServerLedgerDatabase>;
