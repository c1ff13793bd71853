using Microsoft.AspNetCore.Authorization;

namespace BillingConsole.Web.Auth;

/// <summary>Part of the customer policies: a session's role in its current account is at least <see cref="MinimumRole"/>.</summary>
public sealed class AccountRoleRequirement(string minimumRole) : IAuthorizationRequirement
{
    public string MinimumRole { get; } = minimumRole;
}
