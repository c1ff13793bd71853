using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Budgets;

/// <summary>
/// Creating, changing, deleting and listing an account's budgets. The counting itself is the ledger's (the reserve and
/// resolve batches); a new budget counts the holds reserved from its creation on, because a hold already open when it
/// was created could be resolved by a batch that cannot see the new budget yet (PostgreSQL's statement snapshot), and
/// its counter would then drift from what the checker proves.
/// </summary>
public sealed class BudgetService(IDbContextFactory<BillingDbContext> dbFactory, TimeProvider clock)
{
    public async Task<IReadOnlyList<BudgetView>> ListAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await Live(db, accountId, null).ToListAsync(ct);
        var now = Now();
        return rows.OrderBy(x => x.B.ApiKeyId.HasValue).ThenBy(x => x.KeyName).ThenBy(x => PeriodOrder(x.B.Period)).ThenBy(x => x.B.Id)
            .Select(x => View(x.B, x.KeyName, now)).ToList();
    }

    public async Task<BudgetView?> GetAsync(long accountId, long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await Live(db, accountId, id).FirstOrDefaultAsync(ct);
        return row is null ? null : View(row.B, row.KeyName, Now());
    }

    /// <summary>Adds a budget of the account (<paramref name="apiKeyId"/> null) or of one of its keys. At most one live
    /// budget per account, key (or none) and period: checked under the account's row lock, so two concurrent creations
    /// cannot both pass.</summary>
    public async Task<BudgetResult> CreateAsync(long accountId, long? apiKeyId, Money amount, string period, string actor, CancellationToken ct = default)
    {
        if (Invalid(amount) is { } bad)
            return bad;
        if (!BudgetPeriods.IsKnown(period))
            return BudgetResult.Fail(BudgetError.InvalidRequest, $"period must be one of {string.Join(", ", BudgetPeriods.All)}.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The account's row lock serializes budget creations of this account.
        if (!await db.LockAccountAsync(accountId, ct))
            return BudgetResult.Fail(BudgetError.NotFound, "No such account.");
        string? keyName = null;
        if (apiKeyId is { } keyId)
        {
            keyName = await db.ApiKeys.Where(k => k.Id == keyId && k.AccountId == accountId && k.RevokedAt == null)
                .Select(k => k.Name).FirstOrDefaultAsync(ct);
            if (keyName is null)
                return BudgetResult.Fail(BudgetError.NotFound, "No such API key.");
        }
        if (await db.Budgets.AnyAsync(b => b.AccountId == accountId && b.ApiKeyId == apiKeyId && b.Period == period && b.DeletedAt == null, ct))
            return BudgetResult.Fail(BudgetError.Exists,
                $"{(apiKeyId is null ? "The account" : "This key")} already has a {period} budget: change its amount instead.");
        var now = Now();
        var budget = new Budget
        {
            AccountId = accountId, ApiKeyId = apiKeyId, Amount = amount.Units, Period = period, CreatedAt = now, CreatedBy = actor,
            PeriodStart = BudgetPeriods.StartOf(period, now),
        };
        db.Budgets.Add(budget);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return BudgetResult.Ok(View(budget, keyName, now));
    }

    /// <summary>Changes a live budget's amount; a lower amount than already spent refuses new holds until the period ends.</summary>
    public async Task<BudgetResult> UpdateAsync(long accountId, long id, Money amount, CancellationToken ct = default)
    {
        if (Invalid(amount) is { } bad)
            return bad;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var changed = await db.Budgets.Where(b => b.Id == id && b.AccountId == accountId && b.DeletedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Amount, amount.Units), ct);
        return changed == 0 ? NotFound : BudgetResult.Ok((await GetAsync(accountId, id, ct))!);
    }

    /// <summary>Deletes a live budget (soft: the row stays, its holds' rows keep naming it).</summary>
    public async Task<BudgetResult> DeleteAsync(long accountId, long id, CancellationToken ct = default)
    {
        var view = await GetAsync(accountId, id, ct);
        if (view is null)
            return NotFound;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = Now();
        var changed = await db.Budgets.Where(b => b.Id == id && b.AccountId == accountId && b.DeletedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.DeletedAt, now), ct);
        return changed == 0 ? NotFound : BudgetResult.Ok(view);
    }

    private static readonly BudgetResult NotFound = BudgetResult.Fail(BudgetError.NotFound, "No such budget.");

    private static BudgetResult? Invalid(Money amount) =>
        amount.Units <= 0 || amount > Money.Max
            ? BudgetResult.Fail(BudgetError.InvalidRequest, $"amount must be above 0 and at most {Money.Max}.")
            : null;

    private sealed record Row(Budget B, string? KeyName);

    private static IQueryable<Row> Live(BillingDbContext db, long accountId, long? id) =>
        from b in db.Budgets.AsNoTracking()
        where b.AccountId == accountId && b.DeletedAt == null && (id == null || b.Id == id)
        select new Row(b, db.ApiKeys.Where(k => k.Id == b.ApiKeyId).Select(k => k.Name).FirstOrDefault());

    private static int PeriodOrder(string period) => period switch
    {
        BudgetPeriods.Daily => 0,
        BudgetPeriods.Weekly => 1,
        BudgetPeriods.Monthly => 2,
        _ => 3,
    };

    /// <summary>The counter counts its own period; once that period is over, nothing of the current one is spent yet.</summary>
    public static BudgetView View(Budget b, string? keyName, DateTime now)
    {
        var current = BudgetPeriods.StartOf(b.Period, now);
        var spent = b.PeriodStart == current ? b.Committed : 0;
        return new BudgetView(b.Id, b.AccountId, b.ApiKeyId, keyName, new Money(b.Amount), b.Period, new Money(spent),
            new Money(Math.Max(0, b.Amount - spent)), current, BudgetPeriods.ResetAt(b.Period, now), b.CreatedAt, b.CreatedBy);
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}
