using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Alerts;

/// <summary>
/// A notice to deliver, written in the same transaction as the alert event that caused it, so a restart never loses
/// one. Delivery is at least once: a crash between sending and marking it delivered sends it again with the same
/// <see cref="MessageId"/> (the Standard Webhooks <c>webhook-id</c>, which receivers deduplicate on).
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    /// <summary>Stable id of this message across retries and replays (<c>msg_...</c>).</summary>
    public required string MessageId { get; set; }
    public long AccountId { get; set; }
    public long? AlertEventId { get; set; }
    /// <summary><see cref="OutboxChannels"/>.</summary>
    public required string Channel { get; set; }
    /// <summary>An email address, or the webhook endpoint's id.</summary>
    public required string Recipient { get; set; }
    /// <summary>The event type, e.g. <c>alert.fired</c>.</summary>
    public required string EventType { get; set; }
    /// <summary>The JSON body a webhook receives; emails are written from it.</summary>
    public required string Payload { get; set; }
    public DateTime CreatedAt { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public int? LastStatus { get; set; }
    public string? LastError { get; set; }
    public DateTime? DeliveredAt { get; set; }
    /// <summary>Given up (retried for a day, or its endpoint was disabled or deleted); a replay makes it due again.</summary>
    public bool Dead { get; set; }
}

public static class OutboxChannels
{
    public const string Email = "email";
    public const string Webhook = "webhook";
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("outbox_messages", t => t.HasCheckConstraint("ck_outbox_messages_channel", "channel IN ('email', 'webhook')"));
        b.Property(m => m.MessageId).HasMaxLength(64);
        b.Property(m => m.Channel).HasMaxLength(16);
        b.Property(m => m.Recipient).HasMaxLength(320);
        b.Property(m => m.EventType).HasMaxLength(64);
        b.Property(m => m.LastError).HasMaxLength(1000);
        b.HasIndex(m => m.MessageId).IsUnique();
        // The dispatcher's scan: undelivered, live messages by due time.
        b.HasIndex(m => new { m.DeliveredAt, m.Dead, m.NextAttemptAt });
        b.HasIndex(m => new { m.AccountId, m.Id });
        b.HasOne<Ledger.Account>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
