using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Coordination;

internal sealed class WorkerLeaseConfiguration : IEntityTypeConfiguration<WorkerLease>
{
    public void Configure(EntityTypeBuilder<WorkerLease> b)
    {
        b.HasKey(l => l.Name);
        b.Property(l => l.Name).HasMaxLength(64);
        b.Property(l => l.Holder).HasMaxLength(200);
    }
}
