using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Admin;

public sealed record AdminAuditRecord(string Action, long? AccountId, string? Target, string Reason, string? Before, string? After,
    long? LedgerEntryId = null, Guid? RequestId = null);

/// <summary>The append-only history of admin actions. There is deliberately no way to change or remove a row.</summary>
public sealed class AdminAuditLog(IDbContextFactory<BillingDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxPage = 200;

    /// <summary>Appends the row; a row with <see cref="AdminAuditRecord.RequestId"/> is appended once per request id,
    /// however often the request is retried (a concurrent retry loses on the unique index and finds the row).</summary>
    public async Task AppendAsync(AdminActor actor, AdminAuditRecord r, CancellationToken ct = default)
    {
        if (r.RequestId is { } requestId && await RecordedAsync(requestId, ct))
            return;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Add(Entry(actor, r));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (r.RequestId is not null)
        {
            if (!await RecordedAsync(r.RequestId.Value, ct))
                throw;
        }
    }

    private async Task<bool> RecordedAsync(Guid requestId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<AdminAuditEntry>().AnyAsync(e => e.RequestId == requestId, ct);
    }

    /// <summary>Adds the row to <paramref name="db"/> for a caller that saves it in its own transaction.</summary>
    internal AdminAuditEntry Entry(AdminActor actor, AdminAuditRecord r) => new()
    {
        At = clock.GetUtcNow().UtcDateTime,
        Actor = actor.Name,
        Action = r.Action,
        AccountId = r.AccountId,
        Target = Clip(r.Target, 255),
        Reason = Clip(r.Reason, 500)!,
        Before = Clip(r.Before, 500),
        After = Clip(r.After, 500),
        LedgerEntryId = r.LedgerEntryId,
        RequestId = r.RequestId,
    };

    /// <summary>Newest first; <paramref name="before"/> is the id of the last row shown (keyset paging).</summary>
    public async Task<IReadOnlyList<AdminAuditEntry>> ListAsync(long? accountId = null, long? before = null, int limit = 50,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.Set<AdminAuditEntry>().AsNoTracking();
        if (accountId is { } a)
            q = q.Where(e => e.AccountId == a);
        if (before is { } b)
            q = q.Where(e => e.Id < b);
        return await q.OrderByDescending(e => e.Id).Take(Math.Clamp(limit, 1, MaxPage)).ToListAsync(ct);
    }

    private static string? Clip(string? text, int max) => text is { Length: > 0 } t && t.Length > max ? t[..(max - 1)] + "…" : text;
}
