using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Payments;

/// <summary>
/// Every provider event the webhook accepted (signature, API version and livemode checked), one row per event id however
/// often it was delivered. The row is written after the handler's ledger writes, which are idempotent on keys derived
/// from the provider's objects; the row records what happened and answers re-deliveries quickly, but exactly-once
/// crediting never depends on it. Ids and types are the provider's own; the engine reads them as opaque strings.
/// </summary>
public sealed class PaymentEvent
{
    public long Id { get; set; }
    public required string EventId { get; set; }
    public required string Type { get; set; }
    /// <summary>The provider's id of the object the event is about.</summary>
    public string? ObjectId { get; set; }
    /// <summary>The payment the object belongs to, which ties charges, refunds and disputes to their purchase.</summary>
    public string? PaymentId { get; set; }
    public long? AccountId { get; set; }
    /// <summary>The event's money in the provider's minor unit (cents): a purchase's amount paid, a recharge's amount
    /// received, a payment's cumulative amount refunded, a dispute's amount.</summary>
    public long? AmountCents { get; set; }
    public bool Livemode { get; set; }
    public required string ApiVersion { get; set; }
    /// <summary>When the provider created the event.</summary>
    public DateTime CreatedAt { get; set; }
    public DateTime ReceivedAt { get; set; }
    /// <summary>Set when the outcome is final (processed or ignored).</summary>
    public DateTime? ProcessedAt { get; set; }
    public int Deliveries { get; set; }
    public required string Outcome { get; set; }
    public string? Detail { get; set; }
    /// <summary>The event as delivered, for audits, reconciliation and re-processing.</summary>
    public required string Payload { get; set; }
}

public static class PaymentEventOutcomes
{
    /// <summary>The handler's ledger writes are done (or were already done by an earlier delivery).</summary>
    public const string Processed = "processed";
    /// <summary>Deliberately nothing to write: an unknown type, an unpaid purchase, a payment that is not ours.</summary>
    public const string Ignored = "ignored";
    /// <summary>Something it needs is not there yet (the purchase of a refund); the webhook answers 503 and the provider retries.</summary>
    public const string Deferred = "deferred";
    /// <summary>The handler failed; the webhook answers 500 and the provider retries.</summary>
    public const string Failed = "failed";

    public static bool IsFinal(string outcome) => outcome is Processed or Ignored;
}

internal sealed class PaymentEventConfiguration : IEntityTypeConfiguration<PaymentEvent>
{
    // The table and its columns keep the names they were created with (renaming them would be a migration for names only).
    internal const string Table = "stripe_events";

    public void Configure(EntityTypeBuilder<PaymentEvent> b)
    {
        b.ToTable(Table);
        b.Property(e => e.EventId).HasMaxLength(255);
        b.Property(e => e.Type).HasMaxLength(100);
        b.Property(e => e.ObjectId).HasMaxLength(255);
        b.Property(e => e.PaymentId).HasMaxLength(255).HasColumnName("payment_intent_id");
        b.Property(e => e.ApiVersion).HasMaxLength(64);
        b.Property(e => e.Outcome).HasMaxLength(32);
        b.Property(e => e.Detail).HasMaxLength(1000);
        b.HasIndex(e => e.EventId).IsUnique();
        b.HasIndex(e => e.ObjectId);
        b.HasIndex(e => e.PaymentId).HasDatabaseName("ix_stripe_events_payment_intent_id");
        b.HasIndex(e => e.CreatedAt);
    }
}
