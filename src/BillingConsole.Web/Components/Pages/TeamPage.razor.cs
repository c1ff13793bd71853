using System.Security.Claims;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Teams;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace BillingConsole.Web.Components.Pages;

/// <summary>The team of the account in the user's claims. Every member sees it; the session's account role decides
/// whether the owner's actions are shown, and <see cref="TeamService"/> checks the right again from the database.</summary>
public partial class TeamPage
{
    private long? _accountId;
    private TeamActor? _actor;
    private bool _isOwner;
    private bool _resolved;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        _accountId = user?.GetAccountId();
        if (user?.GetUserId() is { } userId)
            _actor = new TeamActor(userId, user.FindFirstValue(BillingClaims.Email) is { Length: > 0 } email ? email : $"user:{userId}",
                user.IsInRole(Roles.BillingAdmin));
        _isOwner = user is not null && AccountPermissions.Allows(user, CustomerAction.ManageTeam);
        _resolved = true;
    }
}
