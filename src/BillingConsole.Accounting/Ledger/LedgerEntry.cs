using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Ledger;

/// <summary>One append-only movement of value. Never updated or deleted; mistakes are fixed by new entries.</summary>
public sealed class LedgerEntry
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    /// <summary>1, 2, 3... per account with no gaps.</summary>
    public long Sequence { get; set; }
    public required string Type { get; set; }
    /// <summary>Nano-dollars, signed.</summary>
    public long Amount { get; set; }
    public long BalanceAfter { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string Description { get; set; }
    public required string Source { get; set; }
    /// <summary>What the entry cites: a reservation, request, payment provider object or another entry.</summary>
    public string? RefId { get; set; }
    public required string Actor { get; set; }
    public string? IdempotencyKey { get; set; }
    /// <summary>Set on reservation, settlement and release entries.</summary>
    public long? ReservationId { get; set; }
}

internal sealed class LedgerEntryConfiguration : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> b)
    {
        b.Property(e => e.Type).HasMaxLength(32);
        b.Property(e => e.Description).HasMaxLength(LedgerLimits.DescriptionLength);
        b.Property(e => e.Source).HasMaxLength(32);
        b.Property(e => e.RefId).HasMaxLength(128);
        b.Property(e => e.Actor).HasMaxLength(LedgerLimits.ActorLength);
        b.Property(e => e.IdempotencyKey).HasMaxLength(LedgerLimits.IdempotencyKeyLength);
        b.HasIndex(e => new { e.AccountId, e.Sequence }).IsUnique();
        b.HasIndex(e => new { e.AccountId, e.IdempotencyKey }).IsUnique();
        // Keyset paging: WHERE account_id = @a AND id < @before ORDER BY id DESC.
        b.HasIndex(e => new { e.AccountId, e.Id });
        b.HasIndex(e => e.ReservationId);
        // Statements and monthly totals: WHERE account_id = @a AND created_at in [month).
        b.HasIndex(e => new { e.AccountId, e.CreatedAt });
        b.HasOne<Account>().WithMany().HasForeignKey(e => e.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}

public static class LedgerLimits
{
    public const int DescriptionLength = 500;
    public const int ActorLength = 128;
    public const int IdempotencyKeyLength = 200;
    public const int RefIdLength = 128;
    /// <summary>How long a hold lasts when its caller does not say.</summary>
    public static readonly TimeSpan DefaultHoldTtl = TimeSpan.FromMinutes(15);
}
