using System.Net.Mail;
using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Teams;

/// <summary>
/// An account's team: members with their roles, and invitations. Every change runs in one transaction that first
/// takes the account row with a guarded UPDATE (a row lock on PostgreSQL and SQL Server, the writer lock on SQLite), so
/// changes to one account's team are serialized and each reads the team as the previous one left it: two owners
/// demoting each other at once leave one owner. The actor's right is read from the database inside that transaction,
/// and the audit row is saved in it.
/// </summary>
public sealed partial class TeamService(IDbContextFactory<BillingDbContext> dbFactory, AdminAuditLog audit, TimeProvider clock)
{
    public const int MaxEmailLength = 320;

    /// <summary>The team; its members and staff may read it.</summary>
    public async Task<TeamResult<TeamView>> GetAsync(long accountId, TeamActor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Accounts.AnyAsync(a => a.Id == accountId, ct))
            return NoSuchAccount;
        if (!actor.IsStaff && !await db.AccountMembers.AnyAsync(m => m.AccountId == accountId && m.UserId == actor.UserId, ct))
            return new TeamFailure(TeamError.Forbidden, "Only the account's members can see its team.");
        var members = await (
            from m in db.AccountMembers.AsNoTracking()
            join u in db.Users on m.UserId equals u.Id
            where m.AccountId == accountId
            select new TeamMember(u.Id, u.DisplayName, u.Email, m.Role, m.CreatedAt)).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var invitations = await Pending(db, accountId).Where(i => i.ExpiresAt > now)
            .OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id).ToListAsync(ct);
        return TeamResult<TeamView>.Ok(new TeamView(accountId,
            [.. members.OrderBy(m => m.Role == AccountRoles.Owner ? 0 : 1).ThenBy(m => m.Name, StringComparer.CurrentCultureIgnoreCase).ThenBy(m => m.UserId)],
            [.. invitations.Select(View)]));
    }

    /// <summary>Invites an address with a role for <see cref="AccountInvitation.Lifetime"/>. Inviting an address that
    /// already has a pending invitation (expired or not) renews that one (new role, inviter and expiry) rather than
    /// adding a second; an address of a current member is refused with <see cref="TeamError.AlreadyMember"/>.</summary>
    public async Task<TeamResult<PendingInvitation>> InviteAsync(long accountId, string? email, string? role, TeamActor actor,
        CancellationToken ct = default)
    {
        if (CheckEmail(email) is { } badEmail)
            return badEmail;
        if (CheckRole(role) is { } badRole)
            return badRole;
        var address = email!.Trim().ToLowerInvariant();
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await LockAsync(db, accountId, actor, ct) is { } refused)
            return refused;
        var isMember = await (
            from m in db.AccountMembers
            join u in db.Users on m.UserId equals u.Id
            where m.AccountId == accountId && u.Email.ToLower() == address
            select m).AnyAsync(ct);
        if (isMember)
            return new TeamFailure(TeamError.AlreadyMember, $"{address} is already a member of this account.");
        var invitation = await db.AccountInvitations.Where(i => i.AccountId == accountId && i.Email == address && i.AcceptedAt == null && i.RevokedAt == null)
            .FirstOrDefaultAsync(ct);
        var renewed = invitation is not null;
        var before = invitation is null ? null : $"{invitation.Role}, expires {invitation.ExpiresAt:u}";
        if (invitation is null)
        {
            invitation = new AccountInvitation { AccountId = accountId, Email = address, Role = role!, InvitedBy = actor.Audit.Name };
            db.AccountInvitations.Add(invitation);
        }
        (invitation.Role, invitation.InvitedBy, invitation.CreatedAt, invitation.ExpiresAt) = (role!, actor.Audit.Name, now, now + AccountInvitation.Lifetime);
        await db.SaveChangesAsync(ct);
        db.Add(audit.Entry(actor.Audit, new AdminAuditRecord(renewed ? AdminActions.InvitationRenew : AdminActions.MemberInvite, accountId,
            $"invitation:{invitation.Id}", $"{(renewed ? "Renewed the invitation of" : "Invited")} {address} as {role}", before,
            $"{invitation.Role}, expires {invitation.ExpiresAt:u}")));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TeamResult<PendingInvitation>.Ok(View(invitation));
    }

    /// <summary>Revokes a pending invitation: it can no longer be accepted. An accepted or unknown one is not found.</summary>
    public async Task<TeamResult<PendingInvitation>> RevokeAsync(long accountId, long invitationId, TeamActor actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await LockAsync(db, accountId, actor, ct) is { } refused)
            return refused;
        var revoked = await Pending(db, accountId).Where(i => i.Id == invitationId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.RevokedAt, now).SetProperty(i => i.RevokedBy, actor.Audit.Name), ct);
        var invitation = await db.AccountInvitations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == invitationId && i.AccountId == accountId, ct);
        if (revoked != 1)
            // Revoking again (a retried request) answers with the revoked invitation and writes nothing.
            return invitation is { RevokedAt: not null } ? TeamResult<PendingInvitation>.Ok(View(invitation))
                : new TeamFailure(TeamError.NotFound, "No such pending invitation.");
        db.Add(audit.Entry(actor.Audit, new AdminAuditRecord(AdminActions.InvitationRevoke, accountId, $"invitation:{invitationId}",
            $"Revoked the invitation of {invitation!.Email}", "pending", "revoked")));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TeamResult<PendingInvitation>.Ok(View(invitation));
    }

    /// <summary>Takes the account row for the rest of the transaction, then checks the actor's right as it now stands.</summary>
    private static async Task<TeamFailure?> LockAsync(BillingDbContext db, long accountId, TeamActor actor, CancellationToken ct)
    {
        // The account's row lock serializes team changes per account.
        if (!await db.LockAccountAsync(accountId, ct))
            return NoSuchAccount;
        if (actor.IsStaff)
            return null;
        var owner = await db.AccountMembers.AnyAsync(m => m.AccountId == accountId && m.UserId == actor.UserId && m.Role == AccountRoles.Owner, ct);
        return owner ? null : new TeamFailure(TeamError.Forbidden, "Only the account's owners can change its team.");
    }

    private static IQueryable<AccountInvitation> Pending(BillingDbContext db, long accountId) =>
        db.AccountInvitations.Where(i => i.AccountId == accountId && i.AcceptedAt == null && i.RevokedAt == null);

    private static PendingInvitation View(AccountInvitation i) => new(i.Id, i.AccountId, i.Email, i.Role, i.InvitedBy, i.CreatedAt, i.ExpiresAt);

    private static readonly TeamFailure NoSuchAccount = new(TeamError.NotFound, "No such account.");

    /// <summary>A plain address such as dev@example.com (what the identity provider will report), or why not.</summary>
    public static TeamFailure? CheckEmail(string? email) =>
        email?.Trim() is { Length: > 0 and <= MaxEmailLength } t && MailAddress.TryCreate(t, out var a) && a.Address == t && a.DisplayName.Length == 0
            ? null
            : new TeamFailure(TeamError.InvalidRequest, "email must be an address such as dev@example.com.");

    public static TeamFailure? CheckRole(string? role) => AccountRoles.IsValid(role)
        ? null
        : new TeamFailure(TeamError.InvalidRequest, $"role must be one of {string.Join(", ", AccountRoles.All)}.");
}
