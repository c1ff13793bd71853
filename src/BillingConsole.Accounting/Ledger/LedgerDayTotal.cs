using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Ledger;

/// <summary>
/// The entries of one account, UTC day (of <c>created_at</c>) and entry type: how many and their sum. Written by the same
/// batch as each entry (never by a second path), so a month's statement and cost read at most 31 × types rows however
/// busy the account is. The invariant checker proves every row equals the entries it counts.
/// </summary>
public sealed class LedgerDayTotal
{
    public long AccountId { get; set; }
    public DateOnly Day { get; set; }
    public required string Type { get; set; }
    public long Entries { get; set; }
    /// <summary>Nano-dollars, signed.</summary>
    public long Amount { get; set; }
}

internal sealed class LedgerDayTotalConfiguration : IEntityTypeConfiguration<LedgerDayTotal>
{
    public void Configure(EntityTypeBuilder<LedgerDayTotal> b)
    {
        b.HasKey(t => new { t.AccountId, t.Day, t.Type });
        b.Property(t => t.Type).HasMaxLength(32);
        b.HasOne<Account>().WithMany().HasForeignKey(t => t.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
