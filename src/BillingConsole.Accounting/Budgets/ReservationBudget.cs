using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Budgets;

/// <summary>
/// One hold counted by one budget, written by the reserve batch for every budget the hold had to fit. A resolution
/// moves the budget's counter by what the hold now counts minus <see cref="Amount"/> and stores the new amount, so it
/// adjusts exactly the counters the reserve grew (and only while the budget still counts that period), with no date
/// arithmetic in SQL, and doing it twice changes nothing.
/// </summary>
public sealed class ReservationBudget
{
    public long ReservationId { get; set; }
    public long BudgetId { get; set; }
    /// <summary>The budget period the hold was reserved in.</summary>
    public DateTime PeriodStart { get; set; }
    /// <summary>What the hold counts now: its amount while open, its cost once settled (also late), 0 once released or expired.</summary>
    public long Amount { get; set; }
}

internal sealed class ReservationBudgetConfiguration : IEntityTypeConfiguration<ReservationBudget>
{
    public void Configure(EntityTypeBuilder<ReservationBudget> b)
    {
        b.HasKey(x => new { x.ReservationId, x.BudgetId });
        // The checker sums a budget's period; the page reads it.
        b.HasIndex(x => new { x.BudgetId, x.PeriodStart });
        b.HasOne<Reservation>().WithMany().HasForeignKey(x => x.ReservationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Budget>().WithMany().HasForeignKey(x => x.BudgetId).OnDelete(DeleteBehavior.Restrict);
    }
}
