using System.Data.Common;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Payments;

/// <summary>What one delivery of an event came to.</summary>
public sealed record PaymentEventRecord(string EventId, string Type, string? ObjectId, string? PaymentId, long? AccountId,
    long? AmountCents, bool Livemode, string ApiVersion, DateTime CreatedAt, string Outcome, string? Detail, string Payload);

/// <summary>One recorded provider event as the admin event log lists it.</summary>
public sealed record PaymentEventRow(long Id, string EventId, string Type, string? ObjectId, long? AccountId, long? AmountCents,
    DateTime CreatedAt, DateTime ReceivedAt, int Deliveries, string Outcome, string? Detail);

/// <summary>The payment a provider payment credited, as recorded: the account and the object the ledger entries cite.</summary>
public sealed record RecordedPayment(long AccountId, string ObjectId);

/// <summary>Reads a recorded event's payload as the fact it reported. The provider's adapter implements it (in the web
/// project), so the engine reads its own event table without knowing the provider's formats.</summary>
public interface IPaymentFactReader
{
    PaymentProvider Provider { get; }

    /// <summary>The fact the event reported, or null for an event the console does not act on (or cannot read).</summary>
    PaymentFact? Read(string payload);
}

/// <summary>Reads and writes the payment event table.</summary>
public sealed class PaymentEventLog(IDbContextFactory<BillingDbContext> dbFactory, ILedgerDialect dialect, TimeProvider clock)
{
    // A delivery whose insert lost to a concurrent one runs its update again; each retry follows a committed insert.
    private const int MaxAttempts = 5;

    /// <summary>The final outcome of an event already handled, or null when it is new or still unresolved.</summary>
    public async Task<string?> FinalOutcomeAsync(string eventId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var outcome = await db.PaymentEvents.AsNoTracking().Where(e => e.EventId == eventId).Select(e => e.Outcome).FirstOrDefaultAsync(ct);
        return outcome is not null && PaymentEventOutcomes.IsFinal(outcome) ? outcome : null;
    }

    /// <summary>
    /// Inserts the event, or counts one more delivery of it. A processed event stays processed (a concurrent delivery
    /// that came second, or failed transiently, does not overwrite it); otherwise the latest outcome wins.
    /// </summary>
    public async Task RecordAsync(PaymentEventRecord r, CancellationToken ct = default)
    {
        var now = Now();
        DateTime? processedAt = PaymentEventOutcomes.IsFinal(r.Outcome) ? now : null;
        var detail = Truncate(r.Detail, 1000);
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var updated = await db.PaymentEvents
                .Where(e => e.EventId == r.EventId && e.Outcome != PaymentEventOutcomes.Processed)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.Outcome, r.Outcome)
                    .SetProperty(e => e.Detail, detail)
                    .SetProperty(e => e.ProcessedAt, processedAt)
                    .SetProperty(e => e.AccountId, e => r.AccountId ?? e.AccountId)
                    .SetProperty(e => e.AmountCents, e => r.AmountCents ?? e.AmountCents)
                    .SetProperty(e => e.Deliveries, e => e.Deliveries + 1), ct);
            // Only a processed row keeps its outcome and just counts the delivery. A row that a concurrent delivery
            // inserted after the update above took its snapshot is not processed: counting it here would drop this
            // delivery's outcome (a processed one lost under a failed one), so the insert below fails and the loop
            // runs the update again, which now sees it.
            if (updated == 0)
                updated = await db.PaymentEvents.Where(e => e.EventId == r.EventId && e.Outcome == PaymentEventOutcomes.Processed)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.Deliveries, e => e.Deliveries + 1), ct);
            if (updated > 0)
                return;
            db.PaymentEvents.Add(new PaymentEvent
            {
                EventId = r.EventId, Type = Truncate(r.Type, 100)!, ObjectId = r.ObjectId, PaymentId = r.PaymentId,
                AccountId = r.AccountId, AmountCents = r.AmountCents, Livemode = r.Livemode, ApiVersion = Truncate(r.ApiVersion, 64)!,
                CreatedAt = r.CreatedAt, ReceivedAt = now, ProcessedAt = processedAt, Deliveries = 1, Outcome = r.Outcome,
                Detail = detail, Payload = r.Payload,
            });
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException e) when (attempt < MaxAttempts && e.InnerException is DbException inner && (dialect.IsUniqueViolation(inner) || dialect.IsTransient(inner)))
            {
                // A concurrent delivery inserted the row first: count this one as an update of it.
            }
        }
    }

    /// <summary>Provider events newest first; <paramref name="outcome"/> narrows to one outcome; keyset paging by id.</summary>
    public async Task<IReadOnlyList<PaymentEventRow>> ListAsync(string? outcome = null, long? before = null, int limit = 50,
        CancellationToken ct = default, string? objectId = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.PaymentEvents.AsNoTracking();
        if (!string.IsNullOrEmpty(outcome))
            q = q.Where(e => e.Outcome == outcome);
        if (!string.IsNullOrEmpty(objectId))
            q = q.Where(e => e.ObjectId == objectId);
        if (before is { } b)
            q = q.Where(e => e.Id < b);
        return await q.OrderByDescending(e => e.Id).Take(Math.Clamp(limit, 1, 200))
            .Select(e => new PaymentEventRow(e.Id, e.EventId, e.Type, e.ObjectId, e.AccountId, e.AmountCents, e.CreatedAt, e.ReceivedAt,
                e.Deliveries, e.Outcome, e.Detail))
            .ToListAsync(ct);
    }

    /// <summary>The event as it was delivered, or null when it was never recorded.</summary>
    public async Task<string?> PayloadAsync(string eventId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.PaymentEvents.AsNoTracking().Where(e => e.EventId == eventId).Select(e => e.Payload).FirstOrDefaultAsync(ct);
    }

    public async Task CountDeliveryAsync(string eventId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.PaymentEvents.Where(e => e.EventId == eventId).ExecuteUpdateAsync(s => s.SetProperty(e => e.Deliveries, e => e.Deliveries + 1), ct);
    }

    /// <summary>The purchase or auto-recharge a provider payment credited according to the processed events, or null.</summary>
    public async Task<RecordedPayment?> FindCreditedPaymentAsync(string paymentId, IPaymentFactReader reader, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await FindCreditedPaymentAsync(db, paymentId, reader, ct);
    }

    internal static async Task<RecordedPayment?> FindCreditedPaymentAsync(BillingDbContext db, string paymentId, IPaymentFactReader reader,
        CancellationToken ct)
    {
        // A payment has a handful of events (its purchase, refunds, disputes): reading their payloads is cheap.
        var rows = await db.PaymentEvents.AsNoTracking()
            .Where(e => e.PaymentId == paymentId && e.AccountId != null && e.ObjectId != null && e.Outcome == PaymentEventOutcomes.Processed)
            .OrderBy(e => e.Id)
            .Select(e => new { AccountId = e.AccountId!.Value, ObjectId = e.ObjectId!, e.Payload })
            .ToListAsync(ct);
        return rows.Where(r => IsCrediting(reader.Read(r.Payload))).Select(r => new RecordedPayment(r.AccountId, r.ObjectId)).FirstOrDefault();
    }

    /// <summary>Whether a fact credits a payment (a purchase or an auto-recharge that was paid).</summary>
    public static bool IsCrediting(PaymentFact? fact) =>
        fact is PaymentReceived { Paid: true, Kind: PaymentKind.Purchase or PaymentKind.AutoRecharge };

    private static string? Truncate(string? s, int max) => s is { Length: > 0 } && s.Length > max ? s[..max] : s;

    private DateTime Now()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc);
    }
}
