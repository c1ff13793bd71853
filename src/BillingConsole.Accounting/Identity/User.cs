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
    /// <summary>Contact address and the key for linking a pre-created user or an invitation; never how a returning
    /// person is found (that is <see cref="IdentityIssuer"/> + <see cref="IdentitySubject"/>), so it is not unique.</summary>
    public required string Email { get; set; }
    public required string DisplayName { get; set; }
    public string Role { get; set; } = Roles.Customer;
    public long? AccountId { get; set; }
    /// <summary>The identity provider (<c>iss</c>) that vouches for this user; null until the first sign-in of a
    /// pre-created user (demo seed, admin-created) binds it.</summary>
    public string? IdentityIssuer { get; set; }
    /// <summary>The provider's stable subject (<c>sub</c>) for this person, unique per issuer.</summary>
    public string? IdentitySubject { get; set; }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.Property(u => u.Email).HasMaxLength(320);
        b.Property(u => u.DisplayName).HasMaxLength(200);
        b.Property(u => u.Role).HasMaxLength(32);
        b.Property(u => u.IdentityIssuer).HasMaxLength(500);
        b.Property(u => u.IdentitySubject).HasMaxLength(255);
        // Two provider identities may carry the same address; only the bound subject identifies a person.
        b.HasIndex(u => u.Email);
        b.HasIndex(u => new { u.IdentityIssuer, u.IdentitySubject }).IsUnique();
        b.HasOne<Ledger.Account>().WithMany().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
