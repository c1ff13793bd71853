using System.Globalization;
using System.Security.Claims;
using BillingConsole.Accounting.Identity;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace BillingConsole.Web.Auth;

/// <summary>
/// Builds and refreshes the browser session's principal from the app's own records: the user (found by the identity
/// provider's subject), the accounts they are a member of (<see cref="AccountMember"/> rows plus their default account) and the
/// current account, which is the one the customer policy and every customer API act on. The identity provider only says
/// who someone is (and may say they are billing staff); it never decides account membership.
/// </summary>
public sealed class ConsoleSessions(UserDirectory users, MembershipLookup memberships)
{
    /// <summary>The session of <paramref name="user"/>, acting for their default account when they are still a member
    /// of it, else for the first of their accounts by name, else for none (pages then show access denied).</summary>
    public async Task<ClaimsPrincipal> CreateAsync(UserSummary user, string subject, IEnumerable<string> extraRoles, CancellationToken ct = default)
    {
        var accounts = await users.ListAccountsAsync(user.Id, ct);
        var current = accounts.FirstOrDefault(a => a.AccountId == user.AccountId) ?? accounts.FirstOrDefault();
        List<Claim> claims =
        [
            new(BillingClaims.Subject, subject),
            new(BillingClaims.UserId, user.Id.ToString(CultureInfo.InvariantCulture)),
            new(BillingClaims.Name, user.DisplayName),
            new(BillingClaims.Email, user.Email),
        ];
        foreach (var role in extraRoles.Prepend(user.Role).Distinct(StringComparer.Ordinal))
            claims.Add(new Claim(BillingClaims.Role, role));
        return Build(claims, current?.AccountId, current?.Role);
    }

    /// <summary>The same session acting for another of the user's accounts (membership already checked).</summary>
    public ClaimsPrincipal WithAccount(ClaimsPrincipal session, AccountMembership account) =>
        Build(KeptClaims(session), account.AccountId, account.Role);

    /// <summary>Re-reads the user and their role in the current account (one indexed read, <see cref="MembershipLookup"/>);
    /// the cookie handler does it on every request and an open circuit every few seconds, so a deleted user, a removed
    /// membership and a changed role take effect at once. Null when the user no longer exists; the same instance when
    /// nothing changed; otherwise the session with the new role, or without an account when the membership is gone.</summary>
    public async Task<ClaimsPrincipal?> RefreshAsync(ClaimsPrincipal session, CancellationToken ct = default)
    {
        if (session.GetUserId() is not { } userId)
            return null;
        var accountId = session.GetAccountId();
        if (await memberships.FindAsync(userId, accountId, ct) is not { } membership)
            return null;
        if (accountId is null || membership.Role == session.GetAccountRole())
            return session;
        return membership.Role is null ? Build(KeptClaims(session), null, null) : Build(KeptClaims(session), accountId, membership.Role);
    }

    private static List<Claim> KeptClaims(ClaimsPrincipal session) =>
        session.Claims.Where(c => c.Type is not (BillingClaims.AccountId or BillingClaims.AccountRole))
            .Select(c => new Claim(c.Type, c.Value))
            .ToList();

    private static ClaimsPrincipal Build(List<Claim> claims, long? accountId, string? role)
    {
        if (accountId is { } id && role is not null)
        {
            claims.Add(new Claim(BillingClaims.AccountId, id.ToString(CultureInfo.InvariantCulture)));
            claims.Add(new Claim(BillingClaims.AccountRole, role));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme, BillingClaims.Name, BillingClaims.Role));
    }
}
