using Microsoft.AspNetCore.Components.Authorization;

namespace BillingConsole.Web.Auth;

/// <summary>
/// The server-side check a page makes at the moment of a write: it re-reads the signed-in user's role in the account
/// from the database (the circuit's state may be up to one revalidation interval old) and asks
/// <see cref="AccountPermissions"/>. A change it finds is published to the page at once, so buttons follow. Billing
/// admins pass (<see cref="AccountPermissions.Allows(System.Security.Claims.ClaimsPrincipal, long, CustomerAction)"/>).
/// </summary>
public sealed class AccountGate(AuthenticationStateProvider authentication, ConsoleSessions sessions)
{
    /// <summary>Null when the user may do <paramref name="action"/> to <paramref name="accountId"/> now, else a message
    /// saying why not and who may.</summary>
    public async Task<string?> RefusalAsync(long accountId, CustomerAction action, CancellationToken ct = default)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        if (user.IsInRole(Accounting.Identity.Roles.BillingAdmin))
            return null;
        if (user.GetUserId() is null || user.GetAccountId() != accountId)
            return Refused(action);
        var fresh = authentication is SessionRevalidation revalidation
            ? await revalidation.RefreshAsync(user, ct)
            : await sessions.RefreshAsync(user, ct);
        return fresh?.GetAccountId() == accountId && AccountPermissions.Allows(fresh.GetAccountRole(), action) ? null : Refused(action);
    }

    /// <summary>The friendly refusal shown in place of an action: "Only owners can buy credits."</summary>
    public static string Refused(CustomerAction action) => action switch
    {
        CustomerAction.ReadRequests => $"Only {AccountPermissions.WhoMay(action)} can read the audit trail of calls.",
        CustomerAction.ManageKeys => $"Only {AccountPermissions.WhoMay(action)} can create, change or revoke API keys.",
        CustomerAction.BuyCredits => $"Only {AccountPermissions.WhoMay(action)} can buy credits.",
        CustomerAction.ManagePaymentSettings => $"Only {AccountPermissions.WhoMay(action)} can change the account's billing settings.",
        CustomerAction.ManageTeam => $"Only {AccountPermissions.WhoMay(action)} can manage the team.",
        CustomerAction.ManageAlerts => $"Only {AccountPermissions.WhoMay(action)} can manage alerts and webhook endpoints.",
        _ => "Your role in this account does not allow this.",
    };
}
