using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Payments;

/// <summary>
/// Every Stripe event the webhook accepted (signature, API version and livemode checked), one row per event id however
/// often it was delivered. The row is written after the handler's ledger writes, which are idempotent on keys derived
/// from the Stripe objects; the row records what happened and answers re-deliveries quickly, but exactly-once crediting
/// never depends on it.
/// </summary>
public sealed class StripeEvent
{
    public long Id { get; set; }
    public required string EventId { get; set; }
    public required string Type { get; set; }
    /// <summary>The id of <c>data.object</c>: cs_, ch_, dp_ or pi_...</summary>
    public string? ObjectId { get; set; }
    /// <summary>The PaymentIntent the object belongs to, which ties charges, refunds and disputes to their purchase.</summary>
    public string? PaymentIntentId { get; set; }
    public long? AccountId { get; set; }
    /// <summary>The event's money in Stripe minor units (cents): a session's amount paid, a PaymentIntent's amount received,
    /// a charge's cumulative amount refunded, a dispute's amount.</summary>
    public long? AmountCents { get; set; }
    public bool Livemode { get; set; }
    public required string ApiVersion { get; set; }
    /// <summary>When Stripe created the event.</summary>
    public DateTime CreatedAt { get; set; }
    public DateTime ReceivedAt { get; set; }
    /// <summary>Set when the outcome is final (processed or ignored).</summary>
    public DateTime? ProcessedAt { get; set; }
    public int Deliveries { get; set; }
    public required string Outcome { get; set; }
    public string? Detail { get; set; }
    /// <summary>The event as delivered, for audits and re-processing.</summary>
    public required string Payload { get; set; }
}

public static class StripeEventOutcomes
{
    /// <summary>The handler's ledger writes are done (or were already done by an earlier delivery).</summary>
    public const string Processed = "processed";
    /// <summary>Deliberately nothing to write: an unknown type, an unpaid session, a payment that is not ours.</summary>
    public const string Ignored = "ignored";
    /// <summary>Something it needs is not there yet (the purchase of a refund); the webhook answers 503 and Stripe retries.</summary>
    public const string Deferred = "deferred";
    /// <summary>The handler failed; the webhook answers 500 and Stripe retries.</summary>
    public const string Failed = "failed";

    public static bool IsFinal(string outcome) => outcome is Processed or Ignored;
}

internal sealed class StripeEventConfiguration : IEntityTypeConfiguration<StripeEvent>
{
    public void Configure(EntityTypeBuilder<StripeEvent> b)
    {
        b.ToTable("stripe_events");
        b.Property(e => e.EventId).HasMaxLength(255);
        b.Property(e => e.Type).HasMaxLength(100);
        b.Property(e => e.ObjectId).HasMaxLength(255);
        b.Property(e => e.PaymentIntentId).HasMaxLength(255);
        b.Property(e => e.ApiVersion).HasMaxLength(64);
        b.Property(e => e.Outcome).HasMaxLength(32);
        b.Property(e => e.Detail).HasMaxLength(1000);
        b.HasIndex(e => e.EventId).IsUnique();
        b.HasIndex(e => e.ObjectId);
        b.HasIndex(e => e.PaymentIntentId);
        b.HasIndex(e => e.CreatedAt);
    }
}
