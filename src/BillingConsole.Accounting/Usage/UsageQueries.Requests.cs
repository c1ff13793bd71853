using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Usage;

public sealed partial class UsageQueries
{
    /// <summary>
    /// The audit trail: the account's request records (every status: success, error, cancelled, expired), newest first by
    /// id. <paramref name="before"/> is the id of the last record already shown (keyset paging on
    /// <c>(account_id, id)</c>). The provider is the one the gateway reported, else the catalog model's. The key's name
    /// comes from the same statement (a join, so a page costs one query): a revoked key keeps its row and so its name.
    /// </summary>
    public async Task<IReadOnlyList<RequestRow>> GetRequestsAsync(long accountId, RequestFilter filter, int limit, long? before = null,
        CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        if (filter.From is { } f && filter.To is { } t && t < f)
            throw new ArgumentException("The range ends before it starts.", nameof(filter));
        if (filter.Tag is { } oneTag && !TagRule.IsValid(oneTag))
            throw new ArgumentException($"A tag filter is one tag: {TagRule.Text}.", nameof(filter));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.RequestRecords.AsNoTracking().Where(r => r.AccountId == accountId);
        if (before is { } cursor)
            query = query.Where(r => r.Id < cursor);
        if (filter.From is { } from)
        {
            var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(r => r.CompletedAt >= start);
        }
        if (filter.To is { } to)
        {
            var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(r => r.CompletedAt < end);
        }
        if (filter.ModelId is { } modelId)
            query = query.Where(r => r.ModelId == modelId);
        if (filter.ApiKeyId is { } keyId)
            query = query.Where(r => r.ApiKeyId == keyId);
        if (filter.Status is { } status)
            query = query.Where(r => r.Status == status);
        if (filter.ReservationId is { } reservationId)
            query = query.Where(r => r.ReservationId == reservationId);
        if (filter.Tag is { } tag)
        {
            // Tags are stored sorted and comma-joined: bracketing both sides in commas matches whole tags only.
            var needle = "," + tag + ",";
            query = query.Where(r => r.Tags != null && ("," + r.Tags + ",").Contains(needle));
        }
        var rows = await query.OrderByDescending(r => r.Id).Take(limit)
            .LeftJoin(db.ApiKeys.AsNoTracking(), r => r.ApiKeyId, k => (long?)k.Id, (r, k) => new { r, KeyName = k == null ? null : k.Name })
            .LeftJoin(db.CatalogModels.AsNoTracking(), x => x.r.ModelId, m => m.Id, (x, m) => new
            {
                x.r.Id, x.r.ReservationId, x.r.CompletedAt, x.r.StartedAt,
                Model = m == null ? null : m.Slug,
                Provider = x.r.Provider ?? (m == null ? null : m.Provider),
                x.r.Status, x.r.ErrorCode, x.r.InputTokens, x.r.OutputTokens, x.r.CachedTokens, x.r.Cost, x.r.MarketCost,
                x.r.LatencyMs, x.r.TtfbMs, x.r.Streaming, x.r.ApiKeyId, x.r.ClientIp, x.r.UserAgent, x.r.Tags, x.KeyName, x.r.HttpStatus,
            })
            .OrderByDescending(r => r.Id)
            .ToListAsync(ct);
        return rows.Select(r => new RequestRow(r.Id, r.ReservationId, r.CompletedAt, r.StartedAt, r.Model, r.Provider, r.Status,
            r.ErrorCode, r.InputTokens, r.OutputTokens, r.CachedTokens, new Money(r.Cost), new Money(r.MarketCost), r.LatencyMs,
            r.TtfbMs, r.Streaming, r.ApiKeyId, r.ClientIp, r.UserAgent,
            SplitTags(r.Tags).OfType<string>().ToList(), r.KeyName, r.HttpStatus)).ToList();
    }

    /// <summary>The id of the catalog model with this slug (ignoring case), or null.</summary>
    public async Task<long?> FindModelIdAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var lower = slug.Trim().ToLowerInvariant();
        return await db.CatalogModels.AsNoTracking().Where(m => m.Slug.ToLower() == lower).Select(m => (long?)m.Id).FirstOrDefaultAsync(ct);
    }
}
