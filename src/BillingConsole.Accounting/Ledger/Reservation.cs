using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Ledger;

public static class ReservationStatus
{
    public const string Open = "open";
    public const string Settled = "settled";
    public const string Released = "released";
    public const string Expired = "expired";
}

/// <summary>A hold on credits for a call that has not finished. Its status moves once, from open to settled, released
/// or expired, in the same transaction as the entry that resolves it.</summary>
public sealed class Reservation
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    /// <summary>The held amount in nano-dollars (positive; the reservation entry carries its negative).</summary>
    public long Amount { get; set; }
    public string Status { get; set; } = ReservationStatus.Open;
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    /// <summary>The real cost once settled.</summary>
    public long? Cost { get; set; }

    // Set when the hold is for a metered call: who made it, which model and price version price it, and the
    // key's spend month it counts against.
    public long? ApiKeyId { get; set; }
    public long? ModelId { get; set; }
    public long? PriceId { get; set; }
    public long? MaxInputTokens { get; set; }
    public long? MaxOutputTokens { get; set; }
    /// <summary>For a hold on a priced unit (GPU-hours, GB-days...): the quantity held, in micro-units; null for tokens.</summary>
    public long? MaxQuantity { get; set; }
    public string? Tags { get; set; }
    public DateTime? SpendMonth { get; set; }
}

internal sealed class ReservationConfiguration : IEntityTypeConfiguration<Reservation>
{
    public void Configure(EntityTypeBuilder<Reservation> b)
    {
        b.Property(r => r.Status).HasMaxLength(16);
        b.HasIndex(r => new { r.Status, r.ExpiresAt });
        b.HasIndex(r => new { r.AccountId, r.Status });
        // A key's spend counter is checked against its holds of the counter's month: a seek, not the key's history.
        b.HasIndex(r => new { r.ApiKeyId, r.SpendMonth });
        b.Property(r => r.Tags).HasMaxLength(Metering.MeteringLimits.TagsLength);
        b.HasOne<Account>().WithMany().HasForeignKey(r => r.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
