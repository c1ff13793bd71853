using System.Net;
using System.Text.Json;
using BillingConsole.Accounting.Identity;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Web.Tests.Auth;

/// <summary>
/// Who an OpenID Connect sign-in acts as, through the real round trip against the loopback provider: a returning
/// person is found by the provider's subject, never by email; a verified email only links a pre-created user that no
/// identity has claimed; nobody reaches another user's accounts by carrying their address.
/// </summary>
public sealed class OidcIdentityTests(OidcConsole oidc) : IClassFixture<OidcConsole>
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private async Task<(long AccountId, long UserId, string Email)> PreCreatedCustomerAsync()
    {
        var account = await oidc.Console.CreateAccountAsync($"Oidc {Guid.NewGuid():N}"[..20]);
        var email = $"owner-{Guid.NewGuid():N}@example.test";
        var user = await oidc.Console.CreateUserAsync(email, Roles.Customer, account);
        return (account, user, email);
    }

    private static string NewSubject() => $"sub-{Guid.NewGuid():N}";

    private Task<(HttpClient Client, string Landing)> SignInAsync(string subject, string email, EmailVerifiedClaim verified) =>
        OidcHttpSignIn.SignInAsync(oidc, subject, email, verified, Ct);

    /// <summary>The account the session acts for, or null when the customer API refuses it (no account).</summary>
    private static async Task<long?> AccountOfSessionAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/billing/balance", Ct);
        if (response.StatusCode == HttpStatusCode.Forbidden)
            return null;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return json.RootElement.GetProperty("account_id").GetInt64();
    }

    private async Task<User?> UserOfSubjectAsync(string subject)
    {
        await using var db = await oidc.Console.DbFactory.CreateDbContextAsync(Ct);
        return await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.IdentitySubject == subject, Ct);
    }

    private async Task<User> UserAsync(long id)
    {
        await using var db = await oidc.Console.DbFactory.CreateDbContextAsync(Ct);
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == id, Ct);
    }

    [Theory]
    [InlineData(EmailVerifiedClaim.True)]
    [InlineData(EmailVerifiedClaim.TrueAsString)]
    public async Task SignIn_VerifiedEmailOfPreCreatedUser_LinksItAndActsForItsAccount(EmailVerifiedClaim verified)
    {
        var (account, userId, email) = await PreCreatedCustomerAsync();
        var subject = NewSubject();

        var (client, landing) = await SignInAsync(subject, email.ToUpperInvariant(), verified);

        Assert.Equal("/billing", landing);
        Assert.Equal(account, await AccountOfSessionAsync(client));
        var user = await UserAsync(userId);
        Assert.Equal((oidc.Provider.Authority.ToString(), subject), (user.IdentityIssuer, user.IdentitySubject));
    }

    [Theory]
    [InlineData(EmailVerifiedClaim.False)]
    [InlineData(EmailVerifiedClaim.Missing)]
    public async Task SignIn_UnverifiedEmailOfPreCreatedUser_GetsAUserWithNoAccount(EmailVerifiedClaim verified)
    {
        var (_, userId, email) = await PreCreatedCustomerAsync();
        var subject = NewSubject();

        var (client, landing) = await SignInAsync(subject, email, verified);

        Assert.StartsWith("/billing", landing);
        Assert.Null(await AccountOfSessionAsync(client));
        var own = await UserOfSubjectAsync(subject);
        Assert.NotNull(own);
        Assert.NotEqual(userId, own.Id);
        Assert.Null(own.AccountId);
        Assert.Null((await UserAsync(userId)).IdentitySubject);
        // The pre-created user is still there for its real owner's verified sign-in.
        var (owner, _) = await SignInAsync(NewSubject(), email, EmailVerifiedClaim.True);
        Assert.NotNull(await AccountOfSessionAsync(owner));
    }

    [Fact]
    public async Task SignIn_SameVerifiedEmailFromAnotherSubject_ReachesNoneOfTheFirstUsersAccounts()
    {
        var (account, userId, email) = await PreCreatedCustomerAsync();
        var (first, _) = await SignInAsync(NewSubject(), email, EmailVerifiedClaim.True);
        Assert.Equal(account, await AccountOfSessionAsync(first));
        var intruder = NewSubject();

        var (second, _) = await SignInAsync(intruder, email, EmailVerifiedClaim.True);

        Assert.Null(await AccountOfSessionAsync(second));
        var other = await UserOfSubjectAsync(intruder);
        Assert.NotNull(other);
        Assert.NotEqual(userId, other.Id);
        Assert.Null(other.AccountId);
        Assert.Equal(account, await AccountOfSessionAsync(first));
    }

    [Fact]
    public async Task SignIn_ProviderReportsAChangedVerifiedEmail_UpdatesTheStoredEmail()
    {
        var (account, userId, email) = await PreCreatedCustomerAsync();
        var subject = NewSubject();
        await SignInAsync(subject, email, EmailVerifiedClaim.True);
        var changed = $"renamed-{Guid.NewGuid():N}@example.test";

        var (client, landing) = await SignInAsync(subject, changed, EmailVerifiedClaim.True);
        Assert.Equal("/billing", landing);

        Assert.Equal(account, await AccountOfSessionAsync(client));
        Assert.Equal(changed, (await UserAsync(userId)).Email);
    }

    [Fact]
    public async Task SignIn_ChangedEmailThatAnotherUserHas_KeepsTheStoredEmail()
    {
        var (_, userId, email) = await PreCreatedCustomerAsync();
        var (_, _, taken) = await PreCreatedCustomerAsync();
        var subject = NewSubject();
        await SignInAsync(subject, email, EmailVerifiedClaim.True);

        await SignInAsync(subject, taken, EmailVerifiedClaim.True);

        Assert.Equal(email, (await UserAsync(userId)).Email);
    }

    [Fact]
    public async Task SignIn_LinkedUserReturnsWithAnotherUnverifiedEmail_IsFoundBySubject()
    {
        var (account, userId, email) = await PreCreatedCustomerAsync();
        var subject = NewSubject();
        await SignInAsync(subject, email, EmailVerifiedClaim.True);
        var elsewhere = $"elsewhere-{Guid.NewGuid():N}@example.test";

        var (client, _) = await SignInAsync(subject, elsewhere, EmailVerifiedClaim.Missing);

        Assert.Equal(account, await AccountOfSessionAsync(client));
        var user = await UserAsync(userId);
        Assert.Equal((email, subject), (user.Email, user.IdentitySubject));
        // Found by subject again after a verified change of address too.
        await SignInAsync(subject, elsewhere, EmailVerifiedClaim.True);
        var (again, _) = await SignInAsync(subject, elsewhere, EmailVerifiedClaim.False);
        Assert.Equal(account, await AccountOfSessionAsync(again));
        Assert.Equal(elsewhere, (await UserAsync(userId)).Email);
    }
}
