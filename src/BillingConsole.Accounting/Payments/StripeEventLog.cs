using System.Data.Common;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Payments;

/// <summary>The Stripe event type names the engine needs (the web adapter dispatches on Stripe.net's constants, same values).</summary>
public static class StripeEventTypes
{
    public const string CheckoutSessionCompleted = "checkout.session.completed";
    public const string CheckoutSessionAsyncPaymentSucceeded = "checkout.session.async_payment_succeeded";
    public const string ChargeRefunded = "charge.refunded";
    public const string ChargeDisputeCreated = "charge.dispute.created";
    public const string ChargeDisputeClosed = "charge.dispute.closed";
    public const string PaymentIntentSucceeded = "payment_intent.succeeded";
    public const string PaymentIntentPaymentFailed = "payment_intent.payment_failed";

    /// <summary>Events whose processing credits a payment (a Checkout purchase or an auto-recharge).</summary>
    public static readonly IReadOnlyList<string> Crediting = [CheckoutSessionCompleted, CheckoutSessionAsyncPaymentSucceeded, PaymentIntentSucceeded];
}

/// <summary>What one delivery of an event came to.</summary>
public sealed record StripeEventRecord(string EventId, string Type, string? ObjectId, string? PaymentIntentId, long? AccountId,
    long? AmountCents, bool Livemode, string ApiVersion, DateTime CreatedAt, string Outcome, string? Detail, string Payload);

/// <summary>One recorded Stripe event as the admin event log lists it.</summary>
public sealed record StripeEventRow(long Id, string EventId, string Type, string? ObjectId, long? AccountId, long? AmountCents,
    DateTime CreatedAt, DateTime ReceivedAt, int Deliveries, string Outcome, string? Detail);

/// <summary>The payment a PaymentIntent credited, as recorded: the account and the object the ledger entries cite.</summary>
public sealed record RecordedPayment(long AccountId, string ObjectId, string Type);

/// <summary>Reads and writes <c>stripe_events</c>.</summary>
public sealed class StripeEventLog(IDbContextFactory<BillingDbContext> dbFactory, ILedgerDialect dialect, TimeProvider clock)
{
    // A delivery whose insert lost to a concurrent one runs its update again; each retry follows a committed insert.
    private const int MaxAttempts = 5;

    /// <summary>The final outcome of an event already handled, or null when it is new or still unresolved.</summary>
    public async Task<string?> FinalOutcomeAsync(string eventId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var outcome = await db.StripeEvents.AsNoTracking().Where(e => e.EventId == eventId).Select(e => e.Outcome).FirstOrDefaultAsync(ct);
        return outcome is not null && StripeEventOutcomes.IsFinal(outcome) ? outcome : null;
    }

    /// <summary>
    /// Inserts the event, or counts one more delivery of it. A processed event stays processed (a concurrent delivery
    /// that came second, or failed transiently, does not overwrite it); otherwise the latest outcome wins.
    /// </summary>
    public async Task RecordAsync(StripeEventRecord r, CancellationToken ct = default)
    {
        var now = Now();
        DateTime? processedAt = StripeEventOutcomes.IsFinal(r.Outcome) ? now : null;
        var detail = Truncate(r.Detail, 1000);
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var updated = await db.StripeEvents
                .Where(e => e.EventId == r.EventId && e.Outcome != StripeEventOutcomes.Processed)
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
                updated = await db.StripeEvents.Where(e => e.EventId == r.EventId && e.Outcome == StripeEventOutcomes.Processed)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.Deliveries, e => e.Deliveries + 1), ct);
            if (updated > 0)
                return;
            db.StripeEvents.Add(new StripeEvent
            {
                EventId = r.EventId, Type = Truncate(r.Type, 100)!, ObjectId = r.ObjectId, PaymentIntentId = r.PaymentIntentId,
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

    /// <summary>Stripe events newest first; <paramref name="outcome"/> narrows to one outcome; keyset paging by id.</summary>
    public async Task<IReadOnlyList<StripeEventRow>> ListAsync(string? outcome = null, long? before = null, int limit = 50,
        CancellationToken ct = default, string? objectId = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.StripeEvents.AsNoTracking();
        if (!string.IsNullOrEmpty(outcome))
            q = q.Where(e => e.Outcome == outcome);
        if (!string.IsNullOrEmpty(objectId))
            q = q.Where(e => e.ObjectId == objectId);
        if (before is { } b)
            q = q.Where(e => e.Id < b);
        return await q.OrderByDescending(e => e.Id).Take(Math.Clamp(limit, 1, 200))
            .Select(e => new StripeEventRow(e.Id, e.EventId, e.Type, e.ObjectId, e.AccountId, e.AmountCents, e.CreatedAt, e.ReceivedAt,
                e.Deliveries, e.Outcome, e.Detail))
            .ToListAsync(ct);
    }

    /// <summary>The event as it was delivered, or null when it was never recorded.</summary>
    public async Task<string?> PayloadAsync(string eventId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.StripeEvents.AsNoTracking().Where(e => e.EventId == eventId).Select(e => e.Payload).FirstOrDefaultAsync(ct);
    }

    public async Task CountDeliveryAsync(string eventId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.StripeEvents.Where(e => e.EventId == eventId).ExecuteUpdateAsync(s => s.SetProperty(e => e.Deliveries, e => e.Deliveries + 1), ct);
    }

    /// <summary>The payment a PaymentIntent credited according to the processed events, or null.</summary>
    public async Task<RecordedPayment?> FindCreditedPaymentAsync(string paymentIntentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.StripeEvents.AsNoTracking()
            .Where(e => e.PaymentIntentId == paymentIntentId && e.AccountId != null && e.ObjectId != null
                && e.Outcome == StripeEventOutcomes.Processed && StripeEventTypes.Crediting.Contains(e.Type))
            .OrderBy(e => e.Id)
            .Select(e => new RecordedPayment(e.AccountId!.Value, e.ObjectId!, e.Type))
            .FirstOrDefaultAsync(ct);
    }

    private static string? Truncate(string? s, int max) => s is { Length: > 0 } && s.Length > max ? s[..max] : s;

    private DateTime Now()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc);
    }
}
