using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Alerts;

/// <summary>An owner's HTTPS endpoint that receives alert notices signed per Standard Webhooks. The signing secret
/// must be recoverable to sign, so it is stored encrypted (<see cref="ProtectedSecret"/>, ASP.NET Core Data
/// Protection) and shown to the owner once.</summary>
public sealed class WebhookEndpoint
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public required string Url { get; set; }
    public required string ProtectedSecret { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    /// <summary>Failed deliveries in a row; a success resets it.</summary>
    public int ConsecutiveFailures { get; set; }
    /// <summary>Set when the endpoint was turned off after too many failures in a row (or null while active).</summary>
    public DateTime? DisabledAt { get; set; }
    public string? DisabledReason { get; set; }
    public DateTime? DeletedAt { get; set; }
}

internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> b)
    {
        b.ToTable("webhook_endpoints");
        b.Property(e => e.Url).HasMaxLength(2000);
        b.Property(e => e.ProtectedSecret).HasMaxLength(2000);
        b.Property(e => e.CreatedBy).HasMaxLength(320);
        b.Property(e => e.DisabledReason).HasMaxLength(500);
        b.HasIndex(e => e.AccountId);
        b.HasOne<Ledger.Account>().WithMany().HasForeignKey(e => e.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
