using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Teams;

namespace BillingConsole.Accounting.Tests.Teams;

/// <summary>
/// <see cref="TeamService"/> on every provider: owners (and staff) manage the team, each change is audited in its own
/// transaction, an account never loses its last owner, also when owners race each other.
/// </summary>
public abstract class TeamConformanceTests(LedgerDatabase database) : TeamTest(database)
{
    [Fact]
    public async Task GetAsync_Member_SeesMembersOwnersFirstAndOnlyLivePendingInvitations()
    {
        var account = await NewAccountAsync();
        var owner = await UserAsync(Email("owner"), account);
        var viewer = await UserAsync(Email("viewer"), account, AccountRoles.Viewer);
        var live = Ok(await Team.InviteAsync(account, Email("live"), AccountRoles.Developer, Staff, Ct));
        var revoked = Ok(await Team.InviteAsync(account, Email("revoked"), AccountRoles.Viewer, Staff, Ct));
        Ok(await Team.RevokeAsync(account, revoked.Id, Staff, Ct));
        Clock.Advance(TimeSpan.FromDays(6));
        var newer = Ok(await Team.InviteAsync(account, Email("newer"), AccountRoles.Owner, Staff, Ct));
        Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));

        var team = Ok(await Team.GetAsync(account, Person(viewer), Ct));

        Assert.Equal([(owner, AccountRoles.Owner), (viewer, AccountRoles.Viewer)], team.Members.Select(m => (m.UserId, m.Role)));
        Assert.Equal([newer.Id], team.Invitations.Select(i => i.Id));
        Assert.DoesNotContain(live.Id, team.Invitations.Select(i => i.Id));
    }

    [Fact]
    public async Task GetAsync_OutsiderOrMissingAccount_IsForbiddenOrNotFound()
    {
        var account = await NewAccountAsync();
        await UserAsync(Email("owner"), account);
        var outsider = await UserAsync(Email("outsider"), await NewAccountAsync());

        Fails(await Team.GetAsync(account, Person(outsider), Ct), TeamError.Forbidden);
        Fails(await Team.GetAsync(long.MaxValue, Staff, Ct), TeamError.NotFound);
        Assert.Single(Ok(await Team.GetAsync(account, Staff, Ct)).Members);
    }

    [Fact]
    public async Task InviteAsync_ByOwner_StoresLowerCasedPendingInvitationForSevenDaysWithAuditRow()
    {
        var account = await NewAccountAsync();
        var owner = await UserAsync(Email("owner"), account);
        var email = Email("Dev");

        var invitation = Ok(await Team.InviteAsync(account, $"  {email.ToUpperInvariant()} ", AccountRoles.Developer, Person(owner, "boss@example.test"), Ct));

        var now = Clock.GetUtcNow().UtcDateTime;
        var stored = Assert.Single(await InvitationsAsync(account));
        Assert.Equal((invitation.Id, email.ToLowerInvariant(), AccountRoles.Developer, "boss@example.test", now, now.AddDays(7)),
            (stored.Id, stored.Email, stored.Role, stored.InvitedBy, stored.CreatedAt, stored.ExpiresAt));
        Assert.Null(stored.AcceptedAt);
        var audit = Assert.Single(await AuditAsync(account));
        Assert.Equal((AdminActions.MemberInvite, "boss@example.test", $"invitation:{invitation.Id}"), (audit.Action, audit.Actor, audit.Target));
    }

    [Fact]
    public async Task InviteAsync_PendingAddressAgain_RenewsTheSameInvitation()
    {
        var account = await NewAccountAsync();
        var email = Email("again");
        var first = Ok(await Team.InviteAsync(account, email, AccountRoles.Viewer, Staff, Ct));
        Clock.Advance(TimeSpan.FromDays(8));

        var second = Ok(await Team.InviteAsync(account, email, AccountRoles.Developer, Staff, Ct));

        Assert.Equal(first.Id, second.Id);
        var stored = Assert.Single(await InvitationsAsync(account));
        Assert.Equal((AccountRoles.Developer, Clock.GetUtcNow().UtcDateTime.AddDays(7)), (stored.Role, stored.ExpiresAt));
        Assert.Equal([AdminActions.MemberInvite, AdminActions.InvitationRenew], (await AuditAsync(account)).Select(a => a.Action));
    }

    [Fact]
    public async Task InviteAsync_AddressOfACurrentMember_IsAlreadyMemberAndWritesNothing()
    {
        var account = await NewAccountAsync();
        var email = Email("member");
        await UserAsync(email, account, AccountRoles.Viewer);

        Fails(await Team.InviteAsync(account, email.ToUpperInvariant(), AccountRoles.Developer, Staff, Ct), TeamError.AlreadyMember);

        Assert.Empty(await InvitationsAsync(account));
        Assert.Empty(await AuditAsync(account));
    }

    [Theory]
    [InlineData("not-an-email", "developer")]
    [InlineData("Someone <someone@example.test>", "developer")]
    [InlineData("", "viewer")]
    [InlineData("ok@example.test", "member")]
    [InlineData("ok@example.test", "")]
    [InlineData("ok@example.test", "OWNER")]
    public async Task InviteAsync_InvalidEmailOrRole_IsInvalidAndWritesNothing(string email, string role)
    {
        var account = await NewAccountAsync();

        var result = await Team.InviteAsync(account, email, role, Staff, Ct);

        Fails(result, TeamError.InvalidRequest);
        Assert.Contains(email == "ok@example.test" ? "role" : "email", result.Failure!.Message, StringComparison.Ordinal);
        Assert.Empty(await InvitationsAsync(account));
    }

    [Fact]
    public async Task InviteAsync_ByDeveloperOrOutsider_IsForbiddenAndWritesNothing()
    {
        var account = await NewAccountAsync();
        var developer = await UserAsync(Email("dev"), account, AccountRoles.Developer);
        var outsider = await UserAsync(Email("outsider"), await NewAccountAsync());

        Fails(await Team.InviteAsync(account, Email("x"), AccountRoles.Viewer, Person(developer), Ct), TeamError.Forbidden);
        Fails(await Team.InviteAsync(account, Email("x"), AccountRoles.Viewer, Person(outsider), Ct), TeamError.Forbidden);
        Fails(await Team.InviteAsync(long.MaxValue, Email("x"), AccountRoles.Viewer, Staff, Ct), TeamError.NotFound);

        Assert.Empty(await InvitationsAsync(account));
    }

    [Fact]
    public async Task InviteAsync_ConcurrentInvitesOfOneAddress_LeaveOnePendingInvitation()
    {
        var account = await NewAccountAsync();
        var email = Email("race");

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            Task.Run(() => Team.InviteAsync(account, email, i % 2 == 0 ? AccountRoles.Viewer : AccountRoles.Developer, Staff, Ct), Ct)));

        Assert.Single(results.Select(r => Ok(r).Id).Distinct());
        Assert.Single(await InvitationsAsync(account));
    }

    [Fact]
    public async Task RevokeAsync_PendingInvitation_RevokesItOnceWithAuditRowAndAgainChangesNothing()
    {
        var account = await NewAccountAsync();
        var owner = await UserAsync(Email("owner"), account);
        var invitation = Ok(await Team.InviteAsync(account, Email("x"), AccountRoles.Viewer, Person(owner), Ct));

        Ok(await Team.RevokeAsync(account, invitation.Id, Person(owner, "boss@example.test"), Ct));
        Clock.Advance(TimeSpan.FromMinutes(1));
        Ok(await Team.RevokeAsync(account, invitation.Id, Person(owner), Ct));
        Fails(await Team.RevokeAsync(await NewAccountAsync(), invitation.Id, Staff, Ct), TeamError.NotFound);

        var stored = Assert.Single(await InvitationsAsync(account));
        Assert.Equal((Clock.GetUtcNow().UtcDateTime.AddMinutes(-1), "boss@example.test"), (stored.RevokedAt, stored.RevokedBy));
        Assert.Equal([AdminActions.MemberInvite, AdminActions.InvitationRevoke], (await AuditAsync(account)).Select(a => a.Action));
    }

    [Fact]
    public async Task ChangeRoleAsync_LastOwner_IsRefusedUntilThereIsAnother()
    {
        var account = await NewAccountAsync();
        var owner = await UserAsync(Email("owner"), account);
        var developer = await UserAsync(Email("dev"), account, AccountRoles.Developer);

        Fails(await Team.ChangeRoleAsync(account, owner, AccountRoles.Viewer, Person(owner), Ct), TeamError.LastOwner);
        Ok(await Team.ChangeRoleAsync(account, developer, AccountRoles.Owner, Person(owner), Ct));
        var demoted = Ok(await Team.ChangeRoleAsync(account, owner, AccountRoles.Viewer, Person(developer, "new-owner@example.test"), Ct));

        Assert.Equal(AccountRoles.Viewer, demoted.Role);
        Assert.Equal([(owner, AccountRoles.Viewer), (developer, AccountRoles.Owner)], (await MembersAsync(account)).Select(m => (m.UserId, m.Role)));
        var audit = await AuditAsync(account);
        Assert.Equal([("developer", "owner"), ("owner", "viewer")], audit.Select(a => (a.Before, a.After)));
        Assert.Equal("new-owner@example.test", audit[^1].Actor);
    }

    [Fact]
    public async Task ChangeRoleAsync_ByViewerOrUnknownMemberOrBadRole_ChangesNothing()
    {
        var account = await NewAccountAsync();
        var owner = await UserAsync(Email("owner"), account);
        var viewer = await UserAsync(Email("viewer"), account, AccountRoles.Viewer);

        Fails(await Team.ChangeRoleAsync(account, viewer, AccountRoles.Owner, Person(viewer), Ct), TeamError.Forbidden);
        Fails(await Team.ChangeRoleAsync(account, long.MaxValue, AccountRoles.Owner, Person(owner), Ct), TeamError.NotFound);
        Fails(await Team.ChangeRoleAsync(account, viewer, "admin", Person(owner), Ct), TeamError.InvalidRequest);
        Ok(await Team.ChangeRoleAsync(account, viewer, AccountRoles.Viewer, Person(owner), Ct));

        Assert.Equal(AccountRoles.Viewer, (await MembersAsync(account)).Single(m => m.UserId == viewer).Role);
        Assert.Empty(await AuditAsync(account));
    }

    [Fact]
    public async Task RemoveMemberAsync_MemberGoesButTheLastOwnerStays()
    {
        var account = await NewAccountAsync();
        var owner = await UserAsync(Email("owner"), account);
        var developer = await UserAsync(Email("dev"), account, AccountRoles.Developer);

        var removed = Ok(await Team.RemoveMemberAsync(account, developer, Person(owner), Ct));
        Fails(await Team.RemoveMemberAsync(account, owner, Person(owner), Ct), TeamError.LastOwner);
        Fails(await Team.RemoveMemberAsync(account, owner, Staff, Ct), TeamError.LastOwner);
        Fails(await Team.RemoveMemberAsync(account, developer, Person(owner), Ct), TeamError.NotFound);

        Assert.Equal(developer, removed.UserId);
        Assert.Equal([owner], (await MembersAsync(account)).Select(m => m.UserId));
        var audit = Assert.Single(await AuditAsync(account));
        Assert.Equal((AdminActions.MemberRemove, $"user:{developer}", "developer"), (audit.Action, audit.Target, audit.Before));
    }

    [Fact]
    public async Task ChangeRoleAsync_TwoOwnersDemoteEachOtherAtOnce_LeaveOneOwner()
    {
        for (var round = 0; round < 5; round++)
        {
            var account = await NewAccountAsync();
            var a = await UserAsync(Email("a"), account);
            var b = await UserAsync(Email("b"), account);
            using var start = new Barrier(2);

            var results = await Task.WhenAll(
                Task.Run(() => { start.SignalAndWait(Ct); return Team.ChangeRoleAsync(account, b, AccountRoles.Developer, Person(a), Ct); }, Ct),
                Task.Run(() => { start.SignalAndWait(Ct); return Team.ChangeRoleAsync(account, a, AccountRoles.Developer, Person(b), Ct); }, Ct));

            Assert.Single(results, r => r.Succeeded);
            Assert.Single(await MembersAsync(account), m => m.Role == AccountRoles.Owner);
            Assert.Single(await AuditAsync(account));
        }
    }

    [Fact]
    public async Task RemoveMemberAsync_TwoOwnersLeaveAtOnce_OneStaysAsLastOwner()
    {
        for (var round = 0; round < 5; round++)
        {
            var account = await NewAccountAsync();
            var a = await UserAsync(Email("a"), account);
            var b = await UserAsync(Email("b"), account);
            using var start = new Barrier(2);

            var results = await Task.WhenAll(
                Task.Run(() => { start.SignalAndWait(Ct); return Team.RemoveMemberAsync(account, a, Person(a), Ct); }, Ct),
                Task.Run(() => { start.SignalAndWait(Ct); return Team.RemoveMemberAsync(account, b, Person(b), Ct); }, Ct));

            Assert.Single(results, r => r.Succeeded);
            Assert.Single(results, r => r.Failure?.Error == TeamError.LastOwner);
            Assert.Single(await MembersAsync(account), m => m.Role == AccountRoles.Owner);
        }
    }
}

public sealed class SqliteTeamConformanceTests(SqliteLedgerDatabase db) : TeamConformanceTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresTeamConformanceTests(PostgresLedgerDatabase db) : TeamConformanceTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerTeamConformanceTests(SqlServerLedgerDatabase db) : TeamConformanceTests(db), IClassFixture<SqlServerLedgerDatabase>;
