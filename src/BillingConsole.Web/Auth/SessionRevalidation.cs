using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Auth;

/// <summary>
/// An open circuit's authentication state, re-read every <see cref="SessionRevalidationOptions.Interval"/>: a deleted
/// user is signed out of the page; a changed role or a removed membership replaces the state, so pages and buttons
/// follow the new role (the framework's revalidation can only keep or drop a state, not replace it). Writes do not
/// wait for this: <see cref="AccountGate"/> re-reads the role at the moment of each write.
/// </summary>
public sealed class SessionRevalidation(ILoggerFactory loggerFactory, ConsoleSessions sessions, IOptions<SessionRevalidationOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => options.Value.Interval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var refreshed = await RefreshAsync(authenticationState.User, cancellationToken);
        return refreshed is not null;
    }

    /// <summary>Re-reads <paramref name="user"/> now and publishes the new state when it changed (which restarts the
    /// revalidation loop on it). Null when the user no longer exists.</summary>
    public async Task<ClaimsPrincipal?> RefreshAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (user.GetUserId() is null)
            return user;
        var refreshed = await sessions.RefreshAsync(user, ct);
        if (refreshed is not null && !ReferenceEquals(refreshed, user))
            SetAuthenticationState(Task.FromResult(new AuthenticationState(refreshed)));
        return refreshed;
    }
}
