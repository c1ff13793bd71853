using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Usage;

public sealed partial class UsageQueries
{
    /// <summary>
    /// Usage by tag. Rollups carry no tags, so the settled request records (success or error) of the range are summed in
    /// the database per distinct tags string (and the other dimensions asked for); only those groups are split here into
    /// single tags and added up again. A call with two tags counts under each of them; calls without tags under null.
    /// </summary>
    private static async Task<List<UsageRow>> UsageByTagAsync(BillingDbContext db, long accountId, DateTime start, DateTime end,
        UsageDimensions groupBy, CancellationToken ct)
    {
        var facts = db.RequestRecords.AsNoTracking()
            .Where(r => r.AccountId == accountId && r.CompletedAt >= start && r.CompletedAt < end
                        && (r.Status == RequestStatus.Success || r.Status == RequestStatus.Error))
            .LeftJoin(db.CatalogModels.AsNoTracking(), r => r.ModelId, m => m.Id, (r, m) => new UsageFact
            {
                // Rollups are keyed by the UTC day the call settled, which is the record's completed_at.
                Day = r.CompletedAt.Date,
                Model = m == null ? null : m.Slug,
                Provider = m == null ? null : m.Provider,
                Type = m == null ? null : m.Type,
                KeyId = r.ApiKeyId,
                Tags = r.Tags,
                Calls = 1,
                InputTokens = r.InputTokens,
                OutputTokens = r.OutputTokens,
                CachedTokens = r.CachedTokens,
                Cost = r.Cost,
                MarketCost = r.MarketCost,
            });
        var byTags = await GroupAsync(facts, groupBy, ct);
        return byTags
            .SelectMany(row => SplitTags(row.Tag).Select(tag => row with { Tag = tag }))
            .GroupBy(row => (row.Date, row.Model, row.Provider, row.Type, row.KeyId, row.Tag))
            .Select(g => new UsageRow(g.Key.Date, g.Key.Model, g.Key.Provider, g.Key.Type, g.Key.KeyId, g.Key.Tag,
                g.Sum(r => r.Calls), g.Sum(r => r.InputTokens), g.Sum(r => r.OutputTokens), g.Sum(r => r.CachedTokens),
                g.Aggregate(Ledger.Money.Zero, (sum, r) => sum + r.Cost), g.Aggregate(Ledger.Money.Zero, (sum, r) => sum + r.MarketCost)))
            .ToList();
    }

    /// <summary>The single tags of a stored tags string ("prod,team:search"); one null tag when there are none.</summary>
    public static IReadOnlyList<string?> SplitTags(string? tags)
    {
        var split = (tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return split.Length == 0 ? [null] : split.Distinct(StringComparer.Ordinal).Select(t => (string?)t).ToList();
    }
}
