using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Alerts;

/// <summary>One try at delivering an <see cref="OutboxMessage"/>: what came back (HTTP status, or the error).</summary>
public sealed class DeliveryAttempt
{
    public long Id { get; set; }
    public long OutboxMessageId { get; set; }
    public DateTime AttemptedAt { get; set; }
    public bool Succeeded { get; set; }
    public int? Status { get; set; }
    public string? Error { get; set; }
    public int DurationMs { get; set; }
}

internal sealed class DeliveryAttemptConfiguration : IEntityTypeConfiguration<DeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<DeliveryAttempt> b)
    {
        b.ToTable("delivery_attempts");
        b.Property(a => a.Error).HasMaxLength(1000);
        b.HasIndex(a => a.OutboxMessageId);
        b.HasOne<OutboxMessage>().WithMany().HasForeignKey(a => a.OutboxMessageId).OnDelete(DeleteBehavior.Cascade);
    }
}
