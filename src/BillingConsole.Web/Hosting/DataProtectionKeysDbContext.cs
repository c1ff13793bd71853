using BillingConsole.Accounting.Coordination;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Web.Hosting;

/// <summary>ASP.NET Core's key repository over <c>data_protection_keys</c> in the ledger database. The table belongs to
/// <see cref="Accounting.Data.BillingDbContext"/>'s migrations (the engine has no ASP.NET types); this context only maps
/// the library's entity onto it, with the same snake_case names.</summary>
public sealed class DataProtectionKeysDbContext(DbContextOptions<DataProtectionKeysDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<DataProtectionKey>().ToTable(DataProtectionKeyRow.Table);
}
