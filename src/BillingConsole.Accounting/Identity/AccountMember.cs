using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Identity;

/// <summary>A user's membership of a billing account: the app's own record of who may act for which account (the
/// identity provider says who someone is, never which accounts they belong to). A user may belong to several
/// accounts; <see cref="User.AccountId"/> stays their default account.</summary>
public sealed class AccountMember
{
    public long AccountId { get; set; }
    public long UserId { get; set; }
    /// <summary>One of <see cref="AccountRoles"/>.</summary>
    public string Role { get; set; } = AccountRoles.Developer;
    public DateTime CreatedAt { get; set; }
}

internal sealed class AccountMemberConfiguration : IEntityTypeConfiguration<AccountMember>
{
    public void Configure(EntityTypeBuilder<AccountMember> b)
    {
        b.ToTable("account_members", t => t.HasCheckConstraint("ck_account_members_role", "role IN ('owner', 'developer', 'viewer')"));
        // The pair is the key: a user is a member of an account at most once.
        b.HasKey(m => new { m.AccountId, m.UserId });
        b.HasIndex(m => m.UserId);
        b.Property(m => m.Role).HasMaxLength(16);
        b.HasOne<Ledger.Account>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
