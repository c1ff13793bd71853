using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Teams;

public sealed partial class TeamService
{
    /// <summary>Changes a member's role. Demoting the last owner is refused (<see cref="TeamError.LastOwner"/>);
    /// asking for the role they already have changes nothing and adds no audit row.</summary>
    public async Task<TeamResult<TeamMember>> ChangeRoleAsync(long accountId, long userId, string? role, TeamActor actor, CancellationToken ct = default)
    {
        if (CheckRole(role) is { } badRole)
            return badRole;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await LockAsync(db, accountId, actor, ct) is { } refused)
            return refused;
        if (await db.AccountMembers.FindAsync([accountId, userId], ct) is not { } member)
            return NoSuchMember;
        var before = member.Role;
        if (before != role)
        {
            if (before == AccountRoles.Owner && await IsLastOwnerAsync(db, accountId, ct))
                return LastOwner("demote");
            member.Role = role!;
            db.Add(audit.Entry(actor.Audit, new AdminAuditRecord(AdminActions.MemberRole, accountId, $"user:{userId}",
                $"Changed the role of user {userId}", before, role)));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        return TeamResult<TeamMember>.Ok(await MemberAsync(db, member, ct));
    }

    /// <summary>Removes a member from the account (their user and other memberships stay). Removing the last owner is
    /// refused (<see cref="TeamError.LastOwner"/>).</summary>
    public async Task<TeamResult<TeamMember>> RemoveMemberAsync(long accountId, long userId, TeamActor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await LockAsync(db, accountId, actor, ct) is { } refused)
            return refused;
        if (await db.AccountMembers.FindAsync([accountId, userId], ct) is not { } member)
            return NoSuchMember;
        if (member.Role == AccountRoles.Owner && await IsLastOwnerAsync(db, accountId, ct))
            return LastOwner("remove");
        var removed = await MemberAsync(db, member, ct);
        db.AccountMembers.Remove(member);
        db.Add(audit.Entry(actor.Audit, new AdminAuditRecord(AdminActions.MemberRemove, accountId, $"user:{userId}",
            $"Removed {removed.Email} from the account", member.Role, null)));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TeamResult<TeamMember>.Ok(removed);
    }

    // Read after LockAsync, so no other team change of this account can commit in between.
    private static async Task<bool> IsLastOwnerAsync(BillingDbContext db, long accountId, CancellationToken ct) =>
        await db.AccountMembers.CountAsync(m => m.AccountId == accountId && m.Role == AccountRoles.Owner, ct) <= 1;

    private static async Task<TeamMember> MemberAsync(BillingDbContext db, AccountMember m, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == m.UserId, ct);
        return new TeamMember(user.Id, user.DisplayName, user.Email, m.Role, m.CreatedAt);
    }

    private static readonly TeamFailure NoSuchMember = new(TeamError.NotFound, "No such member of this account.");

    private static TeamFailure LastOwner(string verb) =>
        new(TeamError.LastOwner, $"An account needs an owner: make another member an owner before you {verb} the last one.");
}
