using System.Globalization;
using System.Security.Claims;
using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Data;
using BillingConsole.Db.Sqlite;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Teams;
using BillingConsole.Web.Auth;
using BillingConsole.Web.Components.Pages;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Components;

/// <summary>/team over the real <see cref="TeamService"/>: every member sees the team; only an owner's session shows
/// the actions, and the service refuses a non-owner whatever the page shows.</summary>
public sealed class TeamPageTests : LedgerComponentTest
{
    private readonly TeamService _team;

    public TeamPageTests()
    {
        _team = new TeamService(Factory, new AdminAuditLog(Factory, Clock), Clock);
        Services.AddSingleton(_team);
    }

    private async Task<long> MemberAsync(long accountId, string name, string role)
    {
        await using var db = await Factory.CreateDbContextAsync(Ct);
        var user = new User { Email = $"{name.ToLowerInvariant()}@team.example", DisplayName = name, AccountId = accountId };
        db.Users.Add(user);
        await db.SaveChangesAsync(Ct);
        db.AccountMembers.Add(new AccountMember { AccountId = accountId, UserId = user.Id, Role = role, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync(Ct);
        return user.Id;
    }

    /// <summary>A session of <paramref name="userId"/> acting for <paramref name="accountId"/> in <paramref name="role"/>.</summary>
    private void SignInAsMember(long accountId, long userId, string role)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("member");
        auth.SetClaims(
            new Claim(BillingClaims.UserId, userId.ToString(CultureInfo.InvariantCulture)),
            new Claim(BillingClaims.Email, $"user{userId}@team.example"),
            new Claim(BillingClaims.Role, Roles.Customer),
            new Claim(BillingClaims.AccountId, accountId.ToString(CultureInfo.InvariantCulture)),
            new Claim(BillingClaims.AccountRole, role));
        auth.SetPolicies(BillingClaims.CustomerPolicy);
    }

    [Fact]
    public async Task TeamPage_Viewer_SeesMembersAndInvitationsWithoutOwnerActions()
    {
        var account = await CreateAccountAsync();
        await MemberAsync(account, "Olga", AccountRoles.Owner);
        var viewer = await MemberAsync(account, "Vera", AccountRoles.Viewer);
        Assert.True((await _team.InviteAsync(account, "new@team.example", AccountRoles.Developer, new TeamActor(null, "test", true), Ct)).Succeeded);
        SignInAsMember(account, viewer, AccountRoles.Viewer);

        var cut = Render<TeamPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=team-member]").Count));
        Assert.Equal(["owner", "viewer"], cut.FindAll("[data-testid=team-member-role]").Select(c => c.GetAttribute("data-role")));
        Assert.Contains("Vera (you)", cut.FindAll("[data-testid=team-member]")[1].TextContent, StringComparison.Ordinal);
        Assert.Single(cut.FindAll("[data-testid=team-invitation]"));
        Assert.Empty(cut.FindAll("[data-testid=team-invite]"));
        Assert.Empty(cut.FindAll("[data-testid=team-member-remove]"));
        Assert.Empty(cut.FindAll("[data-testid=team-invitation-revoke]"));
        Assert.Contains("1 pending invitation", cut.Find("[data-testid=team-count]").TextContent);
    }

    [Fact]
    public async Task TeamPage_Owner_SeesActionsAndTheEmptyInvitationsState()
    {
        var account = await CreateAccountAsync();
        var owner = await MemberAsync(account, "Olga", AccountRoles.Owner);
        await MemberAsync(account, "Dev", AccountRoles.Developer);
        SignInAsMember(account, owner, AccountRoles.Owner);

        var cut = Render<TeamPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=team-member-remove]").Count));
        Assert.Single(cut.FindAll("[data-testid=team-invite]"));
        Assert.Single(cut.FindAll("[data-testid=team-invitations-empty]"));
    }

    [Fact]
    public async Task TeamPage_BrokenDatabase_ShowsTheErrorWithTryAgain()
    {
        var account = await CreateAccountAsync();
        var owner = await MemberAsync(account, "Olga", AccountRoles.Owner);
        SignInAsMember(account, owner, AccountRoles.Owner);
        // A database without tables: every query of the team throws.
        var broken = new DbContextOptionsBuilder<BillingDbContext>();
        new SqliteDatabaseProvider().Configure(broken, "Data Source=:memory:");
        var brokenFactory = new PooledDbContextFactory<BillingDbContext>(broken.Options);
        Services.AddSingleton(new TeamService(brokenFactory, new AdminAuditLog(brokenFactory, Clock), Clock));

        var cut = Render<TeamPage>();

        cut.WaitForAssertion(() => Assert.Contains("couldn't load the team", cut.Find("[data-testid=team-error]").TextContent));
        await using var db = await Factory.CreateDbContextAsync(Ct);
        Assert.True(await db.AccountMembers.AnyAsync(m => m.UserId == owner, Ct));
    }
}
