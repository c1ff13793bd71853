using Microsoft.AspNetCore.Authorization;

namespace BillingConsole.Web.Auth;

/// <summary>
/// Checks <see cref="AccountRoleRequirement"/> against the session's <see cref="BillingClaims.AccountRole"/>, which the
/// cookie handler re-reads from the database on every request (<see cref="ConsoleSessions.RefreshAsync"/>). An API key
/// is not a member: its scopes decide (<see cref="KeyScopeAuthorizationHandler"/>), so it passes here.
/// </summary>
public sealed class AccountRoleAuthorizationHandler : AuthorizationHandler<AccountRoleRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AccountRoleRequirement requirement)
    {
        var role = context.User.GetAccountRole();
        if (context.User.GetKeyScopes() is not null || AccountPermissions.Rank(role) >= AccountPermissions.Rank(requirement.MinimumRole))
            context.Succeed(requirement);
        else if (context.User.GetAccountId() is not null)
            context.Fail(new RoleFailure(this, role, requirement.MinimumRole));
        return Task.CompletedTask;
    }

    /// <summary>Why a session was refused: its role <see cref="Role"/> is below <see cref="MinimumRole"/>.</summary>
    public sealed class RoleFailure(IAuthorizationHandler handler, string? role, string minimumRole)
        : AuthorizationFailureReason(handler, $"Your role in this account ({AccountPermissions.Display(role)}) may not do this; it needs {minimumRole} or above.")
    {
        public string? Role { get; } = role;
        public string MinimumRole { get; } = minimumRole;
    }
}
