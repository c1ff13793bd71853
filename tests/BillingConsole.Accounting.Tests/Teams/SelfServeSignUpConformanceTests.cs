using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Teams;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BillingConsole.Accounting.Tests.Teams;

/// <summary>
/// Self-serve sign-up through <see cref="UserDirectory.SignInAsync"/> on every provider: on, a verified person with no
/// account and no invitation gets one account of their own with the bonus once, also when first sign-ins race; off,
/// nothing is created.
/// </summary>
public abstract class SelfServeSignUpConformanceTests(LedgerDatabase database) : TeamTest(database)
{
    private const string Issuer = "https://idp.example/";

    private UserDirectory Directory(bool on, decimal? bonus = 5m)
    {
        var options = Options.Create(new AccountsOptions { SelfServeSignUp = on, SignupBonus = bonus });
        var accounts = new AdminAccounts(Db.Factory, Ledger, new AdminAuditLog(Db.Factory, Clock), Clock);
        return new UserDirectory(Db.Factory, Clock, new SelfServeSignUp(Db.Factory, accounts, Ledger, options, Clock));
    }

    private static ProviderIdentity Identity(string? name = "Ada Lovelace", bool verified = true) =>
        new(Issuer, $"sub-{Guid.NewGuid():N}", Email("ada"), verified, name);

    private async Task<List<LedgerEntry>> EntriesAsync(long accountId)
    {
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        return await db.LedgerEntries.AsNoTracking().Where(e => e.AccountId == accountId).ToListAsync(Ct);
    }

    private async Task<Account> AccountAsync(long accountId)
    {
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        return await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId, Ct);
    }

    [Fact]
    public async Task SignIn_On_VerifiedPersonWithoutAccount_OwnsANewAccountWithTheBonusOnce()
    {
        var identity = Identity();
        var directory = Directory(on: true);

        var user = await directory.SignInAsync(identity, Ct);
        var again = await directory.SignInAsync(identity, Ct);

        var accountId = Assert.IsType<long>(user.AccountId);
        Assert.Equal(accountId, again.AccountId);
        Assert.Equal([new AccountMembership(accountId, "Ada Lovelace", AccountRoles.Owner)], await directory.ListAccountsAsync(user.Id, Ct));
        var account = await AccountAsync(accountId);
        Assert.Equal((identity.Email, SelfServeSignUp.ProvisioningKey(identity), Money.FromDollars(5).Units), (account.Email, account.ProvisioningKey, account.Balance));
        var bonus = Assert.Single(await EntriesAsync(accountId));
        Assert.Equal((EntryTypes.Bonus, SelfServeSignUp.BonusKey), (bonus.Type, bonus.IdempotencyKey));
        Assert.Equal([AdminActions.AccountCreate], (await AuditAsync(accountId)).Select(a => a.Action));
        await AssertInvariantsHoldAsync(accountId);
    }

    [Fact]
    public async Task SignIn_On_NoDisplayNameNoBonus_NamesTheAccountAfterTheEmailAndPostsNothing()
    {
        var identity = Identity(name: null);

        var user = await Directory(on: true, bonus: null).SignInAsync(identity, Ct);

        var account = await AccountAsync(user.AccountId!.Value);
        Assert.Equal(identity.Email, account.Name);
        Assert.Empty(await EntriesAsync(account.Id));
    }

    [Fact]
    public async Task SignIn_Off_VerifiedPersonWithoutAccount_GetsNoAccount()
    {
        var identity = Identity();

        var user = await Directory(on: false).SignInAsync(identity, Ct);

        Assert.Null(user.AccountId);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.False(await db.Accounts.AnyAsync(a => a.ProvisioningKey == SelfServeSignUp.ProvisioningKey(identity), Ct));
    }

    [Fact]
    public async Task SignIn_On_UnverifiedEmail_GetsNoAccount()
    {
        var identity = Identity(verified: false);

        var user = await Directory(on: true).SignInAsync(identity, Ct);

        Assert.Null(user.AccountId);
        Assert.Empty(await Directory(on: true).ListAccountsAsync(user.Id, Ct));
    }

    [Fact]
    public async Task SignIn_On_InvitedPerson_JoinsTheInvitingAccountInstead()
    {
        var identity = Identity();
        var inviting = await NewAccountAsync();
        Ok(await Team.InviteAsync(inviting, identity.Email, AccountRoles.Viewer, Staff, Ct));

        var user = await Directory(on: true).SignInAsync(identity, Ct);

        Assert.Equal([(inviting, AccountRoles.Viewer)], (await Directory(on: true).ListAccountsAsync(user.Id, Ct)).Select(m => (m.AccountId, m.Role)));
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.False(await db.Accounts.AnyAsync(a => a.ProvisioningKey == SelfServeSignUp.ProvisioningKey(identity), Ct));
    }

    [Fact]
    public async Task SignIn_On_ConcurrentFirstSignIns_CreateOneAccountOneOwnerOneBonus()
    {
        var identity = Identity();
        var directory = Directory(on: true);

        var users = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => directory.SignInAsync(identity, Ct), Ct)));

        var userId = Assert.Single(users.Select(u => u.Id).Distinct());
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.ProvisioningKey == SelfServeSignUp.ProvisioningKey(identity), Ct);
        Assert.Equal([(userId, AccountRoles.Owner)], (await MembersAsync(account.Id)).Select(m => (m.UserId, m.Role)));
        Assert.Single(await EntriesAsync(account.Id));
        Assert.Equal(Money.FromDollars(5).Units, account.Balance);
        await AssertInvariantsHoldAsync(account.Id);
    }
}

public sealed class SqliteSelfServeSignUpConformanceTests(SqliteLedgerDatabase db) : SelfServeSignUpConformanceTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresSelfServeSignUpConformanceTests(PostgresLedgerDatabase db) : SelfServeSignUpConformanceTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerSelfServeSignUpConformanceTests(SqlServerLedgerDatabase db) : SelfServeSignUpConformanceTests(db), IClassFixture<SqlServerLedgerDatabase>;
