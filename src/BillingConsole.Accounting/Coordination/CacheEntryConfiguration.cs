using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Coordination;

internal sealed class CacheEntryConfiguration : IEntityTypeConfiguration<CacheEntry>
{
    public void Configure(EntityTypeBuilder<CacheEntry> b)
    {
        b.ToTable(CacheEntry.Table);
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(64).IsUnicode(false);
        // The sweep deletes by expiry.
        b.HasIndex(e => e.ExpiresAt);
    }
}
