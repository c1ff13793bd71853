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
public sealed class ConsoleSessions(UserDirectory users, TimeProvider clock)
{
    /// <summary>How often an open session re-reads its user and membership (a removed membership ends within this).</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(5);

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
        return Build(claims, current);
    }

    /// <summary>The same session acting for another of the user's accounts (membership already checked).</summary>
    public ClaimsPrincipal WithAccount(ClaimsPrincipal session, AccountMembership account) =>
        Build(KeptClaims(session), account);

    /// <summary>Re-reads the user and their membership of the current account. Null when the user no longer exists;
    /// the same session without an account when they lost the membership; otherwise the session, freshly stamped.</summary>
    public async Task<ClaimsPrincipal?> RefreshAsync(ClaimsPrincipal session, CancellationToken ct = default)
    {
        if (session.GetUserId() is not { } userId || await users.FindByIdAsync(userId, ct) is null)
            return null;
        var accounts = await users.ListAccountsAsync(userId, ct);
        var current = session.GetAccountId() is { } accountId ? accounts.FirstOrDefault(a => a.AccountId == accountId) : null;
        return Build(KeptClaims(session), current);
    }

    /// <summary>Whether the session was last checked longer ago than <see cref="RefreshInterval"/>.</summary>
    public bool NeedsRefresh(ClaimsPrincipal session) =>
        !long.TryParse(session.FindFirstValue(BillingClaims.CheckedAt), NumberStyles.None, CultureInfo.InvariantCulture, out var checkedAt)
        || clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(checkedAt) > RefreshInterval;

    private static List<Claim> KeptClaims(ClaimsPrincipal session) =>
        session.Claims.Where(c => c.Type is not (BillingClaims.AccountId or BillingClaims.AccountRole or BillingClaims.CheckedAt))
            .Select(c => new Claim(c.Type, c.Value))
            .ToList();

    private ClaimsPrincipal Build(List<Claim> claims, AccountMembership? account)
    {
        if (account is not null)
        {
            claims.Add(new Claim(BillingClaims.AccountId, account.AccountId.ToString(CultureInfo.InvariantCulture)));
            claims.Add(new Claim(BillingClaims.AccountRole, account.Role));
        }
        claims.Add(new Claim(BillingClaims.CheckedAt, clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme, BillingClaims.Name, BillingClaims.Role));
    }
}
