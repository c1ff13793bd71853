using System.Collections.Frozen;
using System.Security.Claims;
using BillingConsole.Accounting.Identity;

namespace BillingConsole.Web.Auth;

/// <summary>
/// Who may do what in an account, decided here once: each <see cref="CustomerAction"/> has the lowest role allowed, and
/// every role can do everything the role below it can. Endpoints and pages declare their action
/// (<see cref="AccountAccessAttribute"/>), which picks the authorization policy; components ask <see cref="Allows(ClaimsPrincipal, CustomerAction)"/>
/// to hide or disable what a member may not use, and <see cref="AccountGate"/> re-checks at the moment of a write.
/// </summary>
public static class AccountPermissions
{
    private static readonly FrozenDictionary<CustomerAction, string> MinimumRoles = new Dictionary<CustomerAction, string>
    {
        // A viewer sees the key list (names, prefixes, spend) read-only: the audit trail already names the keys.
        [CustomerAction.ReadAccount] = AccountRoles.Viewer,
        // Per-call records name keys, client IPs and user agents: the people who run the integration read them.
        [CustomerAction.ReadRequests] = AccountRoles.Developer,
        [CustomerAction.ManageKeys] = AccountRoles.Developer,
        [CustomerAction.BuyCredits] = AccountRoles.Owner,
        [CustomerAction.ManagePaymentSettings] = AccountRoles.Owner,
        [CustomerAction.ManageTeam] = AccountRoles.Owner,
        // Rules decide who is emailed and where account data is sent (webhook URLs): the owners' call. Every member
        // reads the alert list, like the balance it is about.
        [CustomerAction.ManageAlerts] = AccountRoles.Owner,
    }.ToFrozenDictionary();

    /// <summary>The lowest role that may do <paramref name="action"/>.</summary>
    public static string MinimumRole(CustomerAction action) => MinimumRoles[action];

    /// <summary>The authorization policy of endpoints and pages that do <paramref name="action"/>.</summary>
    public static string PolicyFor(CustomerAction action) => PolicyFor(MinimumRole(action));

    /// <summary>The authorization policy that admits <paramref name="minimumRole"/> and the roles above it.</summary>
    public static string PolicyFor(string minimumRole) => minimumRole switch
    {
        AccountRoles.Owner => BillingClaims.AccountOwnerPolicy,
        AccountRoles.Developer => BillingClaims.AccountDeveloperPolicy,
        _ => BillingClaims.CustomerPolicy,
    };

    /// <summary>The lowest role a customer policy admits, or null when <paramref name="policy"/> is not one of them.</summary>
    public static string? MinimumRoleOf(string? policy) => policy switch
    {
        BillingClaims.CustomerPolicy => AccountRoles.Viewer,
        BillingClaims.AccountDeveloperPolicy => AccountRoles.Developer,
        BillingClaims.AccountOwnerPolicy => AccountRoles.Owner,
        _ => null,
    };

    /// <summary>Whether <paramref name="policy"/> is one of the customer policies (an account attached, its data only).</summary>
    public static bool IsCustomerPolicy(string? policy) => MinimumRoleOf(policy) is not null;

    /// <summary>Owner 3, developer 2, viewer 1, anything else 0.</summary>
    public static int Rank(string? role) => role switch
    {
        AccountRoles.Owner => 3,
        AccountRoles.Developer => 2,
        AccountRoles.Viewer => 1,
        _ => 0,
    };

    public static bool Allows(string? role, CustomerAction action) => Rank(role) >= Rank(MinimumRole(action));

    /// <summary>Whether the session's role in its current account allows <paramref name="action"/>, from its claims.
    /// An API key is governed by its scopes, not by a role, so this says yes for one.</summary>
    public static bool Allows(ClaimsPrincipal user, CustomerAction action) =>
        user.GetAccountId() is not null && (user.GetKeyScopes() is not null || Allows(user.GetAccountRole(), action));

    /// <summary>Whether a page may offer <paramref name="action"/> on <paramref name="accountId"/>: a billing admin may (the
    /// admin console shows customer components for any account, and admins already move money with their own tools);
    /// anyone else by their role, on their current account only.</summary>
    public static bool Allows(ClaimsPrincipal user, long accountId, CustomerAction action) =>
        user.IsInRole(Roles.BillingAdmin) || (user.GetAccountId() == accountId && Allows(user, action));

    /// <summary>Who may do <paramref name="action"/>, for tooltips and refusals: "Only owners can …".</summary>
    public static string WhoMay(CustomerAction action) => MinimumRole(action) switch
    {
        AccountRoles.Owner => "owners",
        AccountRoles.Developer => "developers and owners",
        _ => "every member",
    };

    /// <summary>A role as people read it.</summary>
    public static string Display(string? role) => role switch
    {
        null or "" => "none",
        _ => role,
    };
}
