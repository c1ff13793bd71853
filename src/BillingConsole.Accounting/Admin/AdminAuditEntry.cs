using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Admin;

/// <summary>
/// One action a billing admin took, with who, when, why and what it changed. Rows are only ever inserted
/// (<see cref="AdminAuditLog"/> has no update or delete). Actions that move money are also ledger entries; their row
/// names the entry, so the admin history and the ledger tell the same story.
/// </summary>
public sealed class AdminAuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    /// <summary>The admin's email (or user id when there is none).</summary>
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public long? AccountId { get; set; }
    /// <summary>What the action was applied to besides the account: a reservation, key, provider event or purchase id.</summary>
    public string? Target { get; set; }
    public required string Reason { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
    public long? LedgerEntryId { get; set; }

    /// <summary>The admin's request id, for an action recorded after a call to a payment provider (a card refund), which
    /// cannot share the row's transaction: a retried request is answered again but adds no second row (unique).</summary>
    public Guid? RequestId { get; set; }
}

public static class AdminActions
{
    public const string Correction = "correction";
    public const string BalanceRefund = "balance_refund";
    public const string Grant = "grant";
    public const string OverdraftFloor = "overdraft_floor";
    public const string KeyLimit = "key_limit";
    public const string ReleaseHold = "release_hold";
    // The stored value predates provider-neutral names; audit rows keep it.
    public const string CardRefund = "stripe_refund";
    public const string WebhookReplay = "webhook_replay";
    public const string InvariantCheck = "invariant_check";
    public const string AccountCreate = "account_create";
    public const string AccountSuspend = "account_suspend";
    public const string AccountReinstate = "account_reinstate";
    public const string AccountClose = "account_close";
    public const string MemberInvite = "member_invite";
    public const string InvitationRenew = "invitation_renew";
    public const string InvitationRevoke = "invitation_revoke";
    public const string InvitationAccept = "invitation_accept";
    public const string MemberRole = "member_role";
    public const string MemberRemove = "member_remove";
}

internal sealed class AdminAuditEntryConfiguration : IEntityTypeConfiguration<AdminAuditEntry>
{
    public void Configure(EntityTypeBuilder<AdminAuditEntry> b)
    {
        b.ToTable("admin_audit_log");
        b.Property(e => e.Actor).HasMaxLength(320);
        b.Property(e => e.Action).HasMaxLength(40);
        b.Property(e => e.Target).HasMaxLength(255);
        b.Property(e => e.Reason).HasMaxLength(500);
        b.Property(e => e.Before).HasMaxLength(500);
        b.Property(e => e.After).HasMaxLength(500);
        b.HasIndex(e => e.At);
        b.HasIndex(e => new { e.AccountId, e.At });
        b.HasIndex(e => e.RequestId).IsUnique();
    }
}
