using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Budgets;

/// <summary>
/// A cap on what an account (or one of its keys, <see cref="ApiKeyId"/>) may reserve in a period. Every reservation
/// must fit every live budget that applies, checked and counted in the reserve batch itself under the account row lock
/// (<see cref="ILedgerDialect.ReserveSql"/>). Deleting keeps the row (<see cref="DeletedAt"/>) so history still names it.
/// </summary>
public sealed class Budget
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    /// <summary>Null: the account's budget (every hold of the account counts); else only holds made with this key.</summary>
    public long? ApiKeyId { get; set; }
    /// <summary>Nano-dollars, above zero.</summary>
    public long Amount { get; set; }
    /// <summary>One of <see cref="BudgetPeriods"/>.</summary>
    public required string Period { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime? DeletedAt { get; set; }

    /// <summary>The period <see cref="Committed"/> counts. Kept on the budget row (like a key's spend month) rather than in a
    /// row per period: the reserve batch locks this row, which always exists, so it reads the latest committed counter
    /// even on PostgreSQL, where a counter row inserted by a concurrent reserve would be invisible to its snapshot.</summary>
    public DateTime PeriodStart { get; set; }
    /// <summary>Open holds plus settled costs of the holds reserved in <see cref="PeriodStart"/>'s period: the sum of their
    /// <see cref="ReservationBudget.Amount"/>s, which the invariant checker proves.</summary>
    public long Committed { get; set; }
}

internal sealed class BudgetConfiguration : IEntityTypeConfiguration<Budget>
{
    public void Configure(EntityTypeBuilder<Budget> b)
    {
        b.Property(x => x.Period).HasMaxLength(16);
        b.Property(x => x.CreatedBy).HasMaxLength(320);
        // The reserve batch seeks the account's budgets on every hold.
        b.HasIndex(x => x.AccountId);
        b.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ApiKey>().WithMany().HasForeignKey(x => x.ApiKeyId).OnDelete(DeleteBehavior.Restrict);
    }
}
