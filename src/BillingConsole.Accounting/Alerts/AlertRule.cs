using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Alerts;

/// <summary>An owner's alert: a kind with its parameters (see <see cref="AlertKinds"/>) and its state. The state only
/// changes through one conditional UPDATE (<see cref="AlertEvaluator"/>), so a crossing fires once however many
/// evaluators run.</summary>
public sealed class AlertRule
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public required string Kind { get; set; }
    /// <summary>Nano-dollars (balance), days (runway) or a percentage (budget); unused for event kinds.</summary>
    public long Threshold { get; set; }
    /// <summary>What the rule is about when the kind needs it: the API key of a key budget rule.</summary>
    public long? SubjectId { get; set; }
    public string State { get; set; } = AlertStates.Armed;
    /// <summary>The figure at the last transition; for <see cref="AlertKinds.DisputeOpened"/>, the id of the last
    /// dispute entry already reported.</summary>
    public long? LastValue { get; set; }
    public DateTime? LastFiredAt { get; set; }
    public DateTime? LastResolvedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}

internal sealed class AlertRuleConfiguration : IEntityTypeConfiguration<AlertRule>
{
    public void Configure(EntityTypeBuilder<AlertRule> b)
    {
        b.ToTable("alert_rules", t => t.HasCheckConstraint("ck_alert_rules_state", "state IN ('armed', 'firing')"));
        b.Property(r => r.Kind).HasMaxLength(32);
        b.Property(r => r.State).HasMaxLength(16);
        b.Property(r => r.CreatedBy).HasMaxLength(320);
        b.HasIndex(r => r.AccountId);
        b.HasOne<Ledger.Account>().WithMany().HasForeignKey(r => r.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
