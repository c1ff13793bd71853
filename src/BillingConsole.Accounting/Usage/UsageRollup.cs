using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Usage;

/// <summary>
/// Settled calls per account × UTC day × model × key: written by the same batch as each settlement (never by a second
/// path), so usage pages cost the same whatever the traffic. The invariant checker proves it equals the request records.
/// </summary>
public sealed class UsageRollup
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public DateTime Day { get; set; }
    public long ModelId { get; set; }
    /// <summary>0 for calls made without a key.</summary>
    public long ApiKeyId { get; set; }
    public long Calls { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long CachedTokens { get; set; }
    /// <summary>Micro-units of a priced unit (GPU-hours, GB-days...); 0 for token models.</summary>
    public long Quantity { get; set; }
    public long Cost { get; set; }
    public long MarketCost { get; set; }
}

internal sealed class UsageRollupConfiguration : IEntityTypeConfiguration<UsageRollup>
{
    public void Configure(EntityTypeBuilder<UsageRollup> b)
    {
        b.HasIndex(u => new { u.AccountId, u.Day, u.ModelId, u.ApiKeyId }).IsUnique();
        b.HasIndex(u => new { u.ApiKeyId, u.Day });
    }
}
