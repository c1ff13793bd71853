using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Invariants;

public enum InvariantCheckMode { Full, Incremental }

/// <summary>The recorded result of one invariant check.</summary>
public sealed class InvariantRun
{
    public long Id { get; set; }
    public InvariantCheckMode Mode { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime FinishedAt { get; set; }
    public int AccountsChecked { get; set; }
    public long EntriesChecked { get; set; }
    public int ViolationCount { get; set; }
    public List<InvariantViolation> Violations { get; set; } = [];
}

public sealed class InvariantViolation
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public long AccountId { get; set; }
    /// <summary>A stable code: balance_mismatch, chain_break, sequence_gap, hold_unresolved, hold_resolved_twice, ...</summary>
    public required string Kind { get; set; }
    public required string Detail { get; set; }
}

/// <summary>How far each account's chain has been verified, so an incremental run reads only newer entries.</summary>
public sealed class InvariantCheckpoint
{
    public long AccountId { get; set; }
    public long Sequence { get; set; }
    public long BalanceAfter { get; set; }
    public DateTime CheckedAt { get; set; }
}

internal sealed class InvariantRunConfiguration : IEntityTypeConfiguration<InvariantRun>
{
    public void Configure(EntityTypeBuilder<InvariantRun> b)
    {
        b.Property(r => r.Mode).HasConversion<string>().HasMaxLength(16);
        b.HasMany(r => r.Violations).WithOne().HasForeignKey(v => v.RunId);
        b.HasIndex(r => r.StartedAt);
    }
}

internal sealed class InvariantViolationConfiguration : IEntityTypeConfiguration<InvariantViolation>
{
    public void Configure(EntityTypeBuilder<InvariantViolation> b)
    {
        b.Property(v => v.Kind).HasMaxLength(32);
        b.Property(v => v.Detail).HasMaxLength(1000);
    }
}

internal sealed class InvariantCheckpointConfiguration : IEntityTypeConfiguration<InvariantCheckpoint>
{
    public void Configure(EntityTypeBuilder<InvariantCheckpoint> b)
    {
        b.HasKey(c => c.AccountId);
        b.Property(c => c.AccountId).ValueGeneratedNever();
    }
}
