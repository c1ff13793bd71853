using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Metering;

public static class RequestStatus
{
    public const string Success = "success";
    public const string Error = "error";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";

    public static readonly IReadOnlySet<string> Reportable = new HashSet<string>([Success, Error]);
}

/// <summary>
/// The audit trail of one metered call, written by the ledger batch that settles or releases its hold. Metadata only:
/// prompts and completions are never stored.
/// </summary>
public sealed class RequestRecord
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ReservationId { get; set; }
    public long? ApiKeyId { get; set; }
    public long ModelId { get; set; }
    public long PriceId { get; set; }
    public string? Provider { get; set; }
    public required string Status { get; set; }
    public string? ErrorCode { get; set; }
    /// <summary>The HTTP status the gateway answered its client with, when it reported one.</summary>
    public int? HttpStatus { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long CachedTokens { get; set; }
    /// <summary>For a priced unit: the quantity used, in micro-units (<see cref="Catalog.Quantity"/>); 0 for token calls.</summary>
    public long Quantity { get; set; }
    public long Cost { get; set; }
    public long MarketCost { get; set; }
    public int? LatencyMs { get; set; }
    public int? TtfbMs { get; set; }
    public bool Streaming { get; set; }
    public string? ClientIp { get; set; }
    public string? UserAgent { get; set; }
    /// <summary>Comma-separated, normalized tags.</summary>
    public string? Tags { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime CompletedAt { get; set; }
}

internal sealed class RequestRecordConfiguration : IEntityTypeConfiguration<RequestRecord>
{
    public void Configure(EntityTypeBuilder<RequestRecord> b)
    {
        b.Property(r => r.Provider).HasMaxLength(64);
        b.Property(r => r.Status).HasMaxLength(16);
        b.Property(r => r.ErrorCode).HasMaxLength(64);
        b.Property(r => r.ClientIp).HasMaxLength(64);
        b.Property(r => r.UserAgent).HasMaxLength(300);
        b.Property(r => r.Tags).HasMaxLength(MeteringLimits.TagsLength);
        b.HasIndex(r => r.ReservationId).IsUnique();
        b.HasIndex(r => new { r.AccountId, r.Id });
        b.HasIndex(r => new { r.AccountId, r.CompletedAt });
        b.HasIndex(r => r.ApiKeyId);
    }
}

public static class MeteringLimits
{
    public const int MaxTags = 10;
    public const int TagLength = 64;
    public const int TagsLength = 700;
}
