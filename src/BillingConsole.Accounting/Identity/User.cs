using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Identity;

public static class Roles
{
    public const string Customer = "customer";
    public const string BillingAdmin = "billing_admin";
}

/// <summary>A person who signs in to the console, with the account they act for.</summary>
public sealed class User
{
    public long Id { get; set; }
    public required string Email { get; set; }
    public required string DisplayName { get; set; }
    public string Role { get; set; } = Roles.Customer;
    public long? AccountId { get; set; }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.Property(u => u.Email).HasMaxLength(320);
        b.Property(u => u.DisplayName).HasMaxLength(200);
        b.Property(u => u.Role).HasMaxLength(32);
        b.HasIndex(u => u.Email).IsUnique();
        b.HasOne<Ledger.Account>().WithMany().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
