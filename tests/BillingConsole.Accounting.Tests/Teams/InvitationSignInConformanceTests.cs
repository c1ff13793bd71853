using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Identity;

namespace BillingConsole.Accounting.Tests.Teams;

/// <summary>
/// <see cref="UserDirectory.SignInAsync"/> accepting invitations on every provider: only a verified address, only
/// pending and unexpired invitations, on any sign-in, and exactly once when sign-ins race.
/// </summary>
public abstract class InvitationSignInConformanceTests(LedgerDatabase database) : TeamTest(database)
{
    private const string Issuer = "https://idp.example/";

    private UserDirectory Directory => new(Db.Factory, Clock);

    private static ProviderIdentity Identity(string email, bool verified = true, string? subject = null) =>
        new(Issuer, subject ?? $"sub-{Guid.NewGuid():N}", email, verified, "Invited Person");

    private async Task<(long Account, string Email, long InvitationId)> InvitedAsync(string role = AccountRoles.Developer)
    {
        var account = await NewAccountAsync();
        var email = Email("invited");
        var invitation = Ok(await Team.InviteAsync(account, email, role, Staff, Ct));
        return (account, email, invitation.Id);
    }

    [Fact]
    public async Task SignIn_NewPersonWithVerifiedInvitedEmail_BecomesMemberWithTheInvitedRole()
    {
        var (account, email, invitationId) = await InvitedAsync(AccountRoles.Viewer);

        var user = await Directory.SignInAsync(Identity(email.ToUpperInvariant()), Ct);

        Assert.Equal(account, user.AccountId);
        Assert.Equal([new AccountMembership(account, "Test account", AccountRoles.Viewer)], await Directory.ListAccountsAsync(user.Id, Ct));
        var invitation = Assert.Single(await InvitationsAsync(account));
        Assert.Equal((Clock.GetUtcNow().UtcDateTime, (long?)user.Id), (invitation.AcceptedAt, invitation.AcceptedUserId));
        var audit = (await AuditAsync(account)).Last();
        Assert.Equal((AdminActions.InvitationAccept, email, $"invitation:{invitationId}"), (audit.Action, audit.Actor, audit.Target));
    }

    [Fact]
    public async Task SignIn_ExistingUserInvitedToAnotherAccount_GetsItAtTheNextSignIn()
    {
        var home = await NewAccountAsync();
        var email = Email("existing");
        var subject = $"sub-{Guid.NewGuid():N}";
        await UserAsync(email, home);
        var first = await Directory.SignInAsync(Identity(email, subject: subject), Ct);
        var other = await NewAccountAsync();
        Ok(await Team.InviteAsync(other, email, AccountRoles.Developer, Staff, Ct));

        var again = await Directory.SignInAsync(Identity(email, subject: subject), Ct);

        Assert.Equal((first.Id, (long?)home), (again.Id, again.AccountId));
        Assert.Equal([(home, AccountRoles.Owner), (other, AccountRoles.Developer)],
            (await Directory.ListAccountsAsync(again.Id, Ct)).Select(m => (m.AccountId, m.Role)).OrderBy(m => m.AccountId));
    }

    [Fact]
    public async Task SignIn_UnverifiedEmail_AcceptsNothing()
    {
        var (account, email, _) = await InvitedAsync();

        var user = await Directory.SignInAsync(Identity(email, verified: false), Ct);

        Assert.Null(user.AccountId);
        Assert.Empty(await Directory.ListAccountsAsync(user.Id, Ct));
        Assert.Null(Assert.Single(await InvitationsAsync(account)).AcceptedAt);
    }

    [Fact]
    public async Task SignIn_ExpiredOrRevokedInvitation_GrantsNothing()
    {
        var (expiredAccount, expiredEmail, _) = await InvitedAsync();
        var (revokedAccount, revokedEmail, revokedId) = await InvitedAsync();
        Ok(await Team.RevokeAsync(revokedAccount, revokedId, Staff, Ct));
        Clock.Advance(TimeSpan.FromDays(7));

        var expired = await Directory.SignInAsync(Identity(expiredEmail), Ct);
        var revoked = await Directory.SignInAsync(Identity(revokedEmail), Ct);

        Assert.Empty(await Directory.ListAccountsAsync(expired.Id, Ct));
        Assert.Empty(await Directory.ListAccountsAsync(revoked.Id, Ct));
        Assert.Null(Assert.Single(await InvitationsAsync(expiredAccount)).AcceptedAt);
        Assert.Null(Assert.Single(await InvitationsAsync(revokedAccount)).AcceptedAt);
    }

    [Fact]
    public async Task SignIn_ConcurrentSignInsOfOneIdentity_AcceptTheInvitationOnce()
    {
        var (account, email, _) = await InvitedAsync();
        var identity = Identity(email);

        var users = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Directory.SignInAsync(identity, Ct), Ct)));

        var userId = Assert.Single(users.Select(u => u.Id).Distinct());
        Assert.Equal([userId], (await MembersAsync(account)).Select(m => m.UserId));
        Assert.Single(await AuditAsync(account), a => a.Action == AdminActions.InvitationAccept);
    }

    [Fact]
    public async Task SignIn_TwoIdentitiesWithTheInvitedAddressRace_ExactlyOneJoins()
    {
        var (account, email, _) = await InvitedAsync();

        var users = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Directory.SignInAsync(Identity(email), Ct), Ct)));

        var member = Assert.Single(await MembersAsync(account));
        Assert.Contains(member.UserId, users.Select(u => u.Id));
        Assert.Equal(member.UserId, Assert.Single(await InvitationsAsync(account)).AcceptedUserId);
    }
}

public sealed class SqliteInvitationSignInConformanceTests(SqliteLedgerDatabase db) : InvitationSignInConformanceTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresInvitationSignInConformanceTests(PostgresLedgerDatabase db) : InvitationSignInConformanceTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerInvitationSignInConformanceTests(SqlServerLedgerDatabase db) : InvitationSignInConformanceTests(db), IClassFixture<SqlServerLedgerDatabase>;
