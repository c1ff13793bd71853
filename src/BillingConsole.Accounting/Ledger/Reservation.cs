using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Ledger;

public static class ReservationStatus
{
    public const string Open = "open";
    public const string Settled = "settled";
    public const string Released = "released";
    public const string Expired = "expired";
    /// <summary>Expired and released, then charged by a settle that arrived late: the release entry is followed by one
    /// usage_debit citing the reservation (see <see cref="LedgerWriter.SettleAsync"/>).</summary>
    public const string SettledLate = "settled_late";
}

/// <summary>A hold on credits for a call that has not finished. Its status moves once, from open to settled, released
/// or expired, in the same transaction as the entry that resolves it; an expired hold may move once more, to
/// settled_late, when its call's settle arrives after the expiry.</summary>
public sealed class Reservation
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    /// <summary>The held amount in nano-dollars (positive; the reservation entry carries its negative).</summary>
    public long Amount { get; set; }
    public string Status { get; set; } = ReservationStatus.Open;
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    /// <summary>The lifetime the caller asked for when reserving (null on holds made before it was stored): a retried
    /// reservation must ask for the same, even after an extension moved <see cref="ExpiresAt"/>.</summary>
    public int? TtlSeconds { get; set; }
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
