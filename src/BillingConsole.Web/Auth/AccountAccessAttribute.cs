using Microsoft.AspNetCore.Authorization;

namespace BillingConsole.Web.Auth;

/// <summary>
/// Declares the customer action an endpoint or page performs: it names the customer policy of the action's lowest role
/// (<see cref="AccountPermissions"/>), so authorization enforces it, and stays on the endpoint as metadata, so the
/// authorization matrix derives who must be let in from it. Pages: <c>@attribute [AccountAccess(CustomerAction.ReadAccount)]</c>;
/// minimal APIs: <c>.RequireAccountAccess(CustomerAction.ManageKeys)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class AccountAccessAttribute : AuthorizeAttribute
{
    public AccountAccessAttribute(CustomerAction action) : base(AccountPermissions.PolicyFor(action))
    {
        Action = action;
    }

    public CustomerAction Action { get; }

    /// <summary>The lowest role that may call the endpoint or open the page.</summary>
    public string MinimumRole => AccountPermissions.MinimumRole(Action);
}
