using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Accounting.Statements;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Usage;

/// <summary>
/// The customer's read side of metered usage: monthly summary, usage grouped by day/model/provider/key/type/tag, and the
/// request audit trail. Every figure is aggregated by the database from the ledger or from the tables the settlement
/// batch writes in the same transaction (<c>usage_rollups</c>, <c>request_records</c>); one short-lived context per call.
/// </summary>
public sealed partial class UsageQueries(IDbContextFactory<BillingDbContext> dbFactory)
{
    /// <summary>The longest range <see cref="GetUsageAsync"/> accepts, in days (both ends included).</summary>
    public const int MaxRangeDays = 366;

    public const int MaxPageSize = 1000;

    /// <summary>
    /// A month's spending and usage, in one statement:
    /// <list type="bullet">
    /// <item><c>TotalCost</c> = −Σ amount of the month's ledger entries of <see cref="EntryCategories.SpendTypes"/>
    /// (usage and storage: reservation, settlement, release, usage_debit, storage_billing): everything the account spent
    /// in the month, from the ledger's day totals (a call still held counts at its hold).</item>
    /// <item><c>ApiCalls</c> = calls in the month's usage rollups (settled calls, failed ones included).</item>
    /// <item><c>TotalTokens</c> = input + output tokens of those rollups.</item>
    /// <item><c>CallsCost</c> and <c>MarketCost</c> = the rollups' cost and market cost (what the settled calls cost,
    /// and what they would have cost at the providers' list prices).</item>
    /// <item><c>Saved</c> = MarketCost − CallsCost; <c>SavedPct</c> = Saved / MarketCost × 100 rounded to 2 decimals
    /// (away from zero), 0 when MarketCost is 0.</item>
    /// </list>
    /// The month is [first day, first day of next month) UTC by <c>created_at</c> (ledger) and <c>day</c> (totals, rollups).
    /// </summary>
    public async Task<UsageSummary> GetSummaryAsync(long accountId, BillingMonth month, CancellationToken ct = default)
    {
        var (start, end) = (month.Start, month.End);
        var (firstDay, nextMonth) = (DateOnly.FromDateTime(start), DateOnly.FromDateTime(end));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        string[] spendTypes = [.. EntryCategories.SpendTypes];
        var rollups = db.UsageRollups.Where(u => u.AccountId == accountId && u.Day >= start && u.Day < end);
        var row = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId)
            .Select(a => new
            {
                Spent = db.LedgerDayTotals
                    .Where(t => t.AccountId == accountId && t.Day >= firstDay && t.Day < nextMonth
                                && spendTypes.Contains(t.Type))
                    .Sum(t => (long?)t.Amount) ?? 0,
                Calls = rollups.Sum(u => (long?)u.Calls) ?? 0,
                Input = rollups.Sum(u => (long?)u.InputTokens) ?? 0,
                Output = rollups.Sum(u => (long?)u.OutputTokens) ?? 0,
                Cost = rollups.Sum(u => (long?)u.Cost) ?? 0,
                Market = rollups.Sum(u => (long?)u.MarketCost) ?? 0,
            })
            .FirstOrDefaultAsync(ct);
        if (row is null)
            return new UsageSummary(month, Money.Zero, 0, 0, Money.Zero, Money.Zero, Money.Zero, 0m);
        var market = new Money(row.Market);
        var saved = market - new Money(row.Cost);
        var pct = market.Units == 0 ? 0m : Math.Round(saved.Units * 100m / market.Units, 2, MidpointRounding.AwayFromZero);
        return new UsageSummary(month, -new Money(row.Spent), row.Calls, row.Input + row.Output, new Money(row.Cost), market, saved, pct);
    }

    /// <summary>
    /// Usage from <paramref name="from"/> to <paramref name="to"/> (UTC dates, both included, at most
    /// <see cref="MaxRangeDays"/> days) grouped on <paramref name="groupBy"/>, ordered by date, then cost descending.
    /// Without <see cref="UsageDimensions.Tag"/> the rows come from <c>usage_rollups</c> (joined to the catalog for
    /// model, provider and type); with it, from the settled request records (status success or error) grouped by their
    /// tags string in the database, then split into single tags here: a call with two tags counts under each, and
    /// calls without tags under a null tag, so tag rows can add up to more than the total.
    /// </summary>
    public async Task<IReadOnlyList<UsageRow>> GetUsageAsync(long accountId, DateOnly from, DateOnly to, UsageDimensions groupBy,
        CancellationToken ct = default)
    {
        if (to < from)
            throw new ArgumentException("The range ends before it starts.", nameof(to));
        if (to.DayNumber - from.DayNumber + 1 > MaxRangeDays)
            throw new ArgumentException($"The range is longer than {MaxRangeDays} days.", nameof(to));
        var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = groupBy.HasFlag(UsageDimensions.Tag)
            ? await UsageByTagAsync(db, accountId, start, end, groupBy, ct)
            : await UsageFromRollupsAsync(db, accountId, start, end, groupBy, ct);
        return rows
            .OrderBy(r => r.Date)
            .ThenByDescending(r => r.Cost.Units)
            .ThenBy(r => r.Model, StringComparer.Ordinal)
            .ThenBy(r => r.Provider, StringComparer.Ordinal)
            .ThenBy(r => r.Type, StringComparer.Ordinal)
            .ThenBy(r => r.KeyId)
            .ThenBy(r => r.Tag, StringComparer.Ordinal)
            .ToList();
    }

    private static async Task<List<UsageRow>> UsageFromRollupsAsync(BillingDbContext db, long accountId, DateTime start, DateTime end,
        UsageDimensions groupBy, CancellationToken ct)
    {
        var facts = db.UsageRollups.AsNoTracking()
            .Where(u => u.AccountId == accountId && u.Day >= start && u.Day < end)
            .LeftJoin(db.CatalogModels.AsNoTracking(), u => u.ModelId, m => m.Id, (u, m) => new UsageFact
            {
                Day = u.Day,
                Model = m == null ? null : m.Slug,
                Provider = m == null ? null : m.Provider,
                Type = m == null ? null : m.Type,
                KeyId = u.ApiKeyId,
                Calls = u.Calls,
                InputTokens = u.InputTokens,
                OutputTokens = u.OutputTokens,
                CachedTokens = u.CachedTokens,
                Cost = u.Cost,
                MarketCost = u.MarketCost,
            });
        return await GroupAsync(facts, groupBy, ct);
    }

    /// <summary>Sums <paramref name="facts"/> in the database over the dimensions in <paramref name="groupBy"/> (and the
    /// raw tags string when grouping by tag).</summary>
    private static async Task<List<UsageRow>> GroupAsync(IQueryable<UsageFact> facts, UsageDimensions groupBy, CancellationToken ct)
    {
        var (byDay, byModel, byProvider, byKey, byType, byTag) = (groupBy.HasFlag(UsageDimensions.Day), groupBy.HasFlag(UsageDimensions.Model),
            groupBy.HasFlag(UsageDimensions.Provider), groupBy.HasFlag(UsageDimensions.Key), groupBy.HasFlag(UsageDimensions.Type),
            groupBy.HasFlag(UsageDimensions.Tag));
        var groups = await facts
            .GroupBy(f => new UsageKey
            {
                Day = byDay ? f.Day : null,
                Model = byModel ? f.Model : null,
                Provider = byProvider ? f.Provider : null,
                Type = byType ? f.Type : null,
                KeyId = byKey ? f.KeyId : null,
                Tags = byTag ? f.Tags : null,
            })
            .Select(g => new
            {
                g.Key,
                Calls = g.Sum(f => f.Calls),
                Input = g.Sum(f => f.InputTokens),
                Output = g.Sum(f => f.OutputTokens),
                Cached = g.Sum(f => f.CachedTokens),
                Cost = g.Sum(f => f.Cost),
                Market = g.Sum(f => f.MarketCost),
            })
            .ToListAsync(ct);
        return groups.Select(g => new UsageRow(ToDate(g.Key.Day), g.Key.Model, g.Key.Provider, g.Key.Type,
            g.Key.KeyId is null or 0 ? null : g.Key.KeyId, g.Key.Tags, g.Calls, g.Input, g.Output, g.Cached, new Money(g.Cost), new Money(g.Market))).ToList();
    }

    private static DateOnly? ToDate(DateTime? day) => day is { } d ? DateOnly.FromDateTime(d) : null;


    /// <summary>One row to group: its dimensions (<see cref="UsageKey"/>) and its figures.</summary>
    private sealed class UsageFact : UsageKey
    {
        public long Calls { get; init; }
        public long InputTokens { get; init; }
        public long OutputTokens { get; init; }
        public long CachedTokens { get; init; }
        public long Cost { get; init; }
        public long MarketCost { get; init; }
    }

    private class UsageKey
    {
        public DateTime? Day { get; init; }
        public string? Model { get; init; }
        public string? Provider { get; init; }
        public string? Type { get; init; }
        public long? KeyId { get; init; }
        public string? Tags { get; init; }
    }
}
