using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Alerts;

/// <summary>One transition of a rule (fired or resolved), as the console lists it. Written in the transaction that
/// flips the rule, together with its outbox messages. The rule may be deleted later; its events stay.</summary>
public sealed class AlertEvent
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long RuleId { get; set; }
    public required string Kind { get; set; }
    public required string Transition { get; set; }
    public long Threshold { get; set; }
    public long? SubjectId { get; set; }
    /// <summary>The figure that decided it, in the kind's unit.</summary>
    public long Value { get; set; }
    /// <summary>One sentence naming the figure, shown in the console and sent in notices.</summary>
    public required string Message { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class AlertEventConfiguration : IEntityTypeConfiguration<AlertEvent>
{
    public void Configure(EntityTypeBuilder<AlertEvent> b)
    {
        b.ToTable("alert_events");
        b.Property(e => e.Kind).HasMaxLength(32);
        b.Property(e => e.Transition).HasMaxLength(16);
        b.Property(e => e.Message).HasMaxLength(500);
        // The console lists an account's events newest first.
        b.HasIndex(e => new { e.AccountId, e.Id });
        b.HasOne<Ledger.Account>().WithMany().HasForeignKey(e => e.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
