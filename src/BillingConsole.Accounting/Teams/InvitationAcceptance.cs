using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Teams;

/// <summary>
/// Turns the pending, unexpired invitations of a verified address into memberships of the signed-in user. Each
/// invitation is taken by a conditional UPDATE (still pending, not expired): under concurrent sign-ins exactly one
/// takes it, and the membership and audit row are saved in that UPDATE's transaction.
/// </summary>
internal sealed class InvitationAcceptance(IDbContextFactory<BillingDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>The number of invitations accepted. <paramref name="email"/> must be one the identity provider verified.</summary>
    public async Task<int> AcceptAsync(long userId, string email, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        List<long> pending;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            pending = await AccountInvitation.Open(db.AccountInvitations, now).Where(i => i.Email == email).OrderBy(i => i.Id).Select(i => i.Id).ToListAsync(ct);
        var accepted = 0;
        foreach (var id in pending)
            if (await AcceptOneAsync(id, userId, email, now, ct))
                accepted++;
        return accepted;
    }

    private async Task<bool> AcceptOneAsync(long invitationId, long userId, string email, DateTime now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var taken = await AccountInvitation.Open(db.AccountInvitations, now).Where(i => i.Id == invitationId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedUserId, userId), ct);
        if (taken != 1)
            return false;
        var invitation = await db.AccountInvitations.AsNoTracking().SingleAsync(i => i.Id == invitationId, ct);
        // Someone who is already a member keeps the role they have: an invitation never demotes.
        if (await db.AccountMembers.FindAsync([invitation.AccountId, userId], ct) is null)
            db.AccountMembers.Add(new AccountMember { AccountId = invitation.AccountId, UserId = userId, Role = invitation.Role, CreatedAt = now });
        await db.Users.Where(u => u.Id == userId && u.AccountId == null).ExecuteUpdateAsync(s => s.SetProperty(u => u.AccountId, invitation.AccountId), ct);
        db.Add(new AdminAuditLog(dbFactory, clock).Entry(new AdminActor(userId, email), new AdminAuditRecord(AdminActions.InvitationAccept,
            invitation.AccountId, $"invitation:{invitationId}", $"{email} accepted the invitation as {invitation.Role}", "pending", $"user:{userId}")));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
