using BillingConsole.Accounting.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Teams;

/// <summary>
/// An invitation to join an account with a role, addressed to an email. It is accepted at the invitee's next sign-in
/// with that address verified by the identity provider (<see cref="UserDirectory.SignInAsync"/>), at most once, and
/// until <see cref="ExpiresAt"/>. An account has at most one pending (neither accepted nor revoked) invitation per
/// address: a filtered unique index, so two concurrent invitations cannot both land.
/// </summary>
public sealed class AccountInvitation
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public long Id { get; set; }
    public long AccountId { get; set; }
    /// <summary>Lower-cased and trimmed.</summary>
    public required string Email { get; set; }
    public required string Role { get; set; }
    /// <summary>Who invited: an owner's or admin's email, or <c>admin-token:{name}</c>.</summary>
    public required string InvitedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? AcceptedAt { get; set; }
    public long? AcceptedUserId { get; set; }
    public DateTime? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }

    /// <summary>The invitations that can still be accepted at <paramref name="now"/>: pending and not expired.</summary>
    public static IQueryable<AccountInvitation> Open(IQueryable<AccountInvitation> invitations, DateTime now) =>
        invitations.Where(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now);
}

internal sealed class AccountInvitationConfiguration : IEntityTypeConfiguration<AccountInvitation>
{
    /// <summary>Neither accepted nor revoked. The same SQL on all three providers (snake_case names need no quoting).</summary>
    public const string PendingFilter = "accepted_at IS NULL AND revoked_at IS NULL";

    public void Configure(EntityTypeBuilder<AccountInvitation> b)
    {
        b.ToTable("account_invitations", t => t.HasCheckConstraint("ck_account_invitations_role", "role IN ('owner', 'developer', 'viewer')"));
        b.Property(i => i.Email).HasMaxLength(320);
        b.Property(i => i.Role).HasMaxLength(16);
        b.Property(i => i.InvitedBy).HasMaxLength(320);
        b.Property(i => i.RevokedBy).HasMaxLength(320);
        b.HasIndex(i => new { i.AccountId, i.Email }).IsUnique().HasFilter(PendingFilter);
        // Sign-in looks invitations up by address.
        b.HasIndex(i => i.Email);
        b.HasOne<Ledger.Account>().WithMany().HasForeignKey(i => i.AccountId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<User>().WithMany().HasForeignKey(i => i.AcceptedUserId).OnDelete(DeleteBehavior.Restrict);
    }
}
