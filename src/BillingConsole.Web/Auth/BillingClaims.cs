using System.Security.Claims;

namespace BillingConsole.Web.Auth;

public static class BillingClaims
{
    public const string AccountId = "account_id";
    /// <summary>The user's role in the current account (<c>AccountRoles</c>: owner, developer, viewer), re-read from the database on every request.</summary>
    public const string AccountRole = "account_role";
    public const string UserId = "user_id";
    public const string ApiKeyId = "api_key_id";
    /// <summary>One claim per scope of the API key the caller authenticated with (<c>ApiKeyScopes</c>).</summary>
    public const string Scope = "scope";
    public const string Role = "role";
    public const string Name = "name";
    public const string Email = "email";
    /// <summary>A stable subject per person: the provider's <c>sub</c> for OpenID Connect sessions, <c>user:{id}</c> for
    /// the development sign-in. Antiforgery tokens are bound to it, so they survive account switches and session refreshes.</summary>
    public const string Subject = "sub";

    /// <summary>Any signed-in person (a browser session with a user), whatever their accounts or roles.</summary>
    public const string SessionPolicy = "session";
    /// <summary>A customer of the current account: a session with an account (any role: viewer and above), or that
    /// account's API key.</summary>
    public const string CustomerPolicy = "customer";
    /// <summary>The customer policy for a developer or owner of the current account (an API key: its scopes decide).</summary>
    public const string AccountDeveloperPolicy = "account_developer";
    /// <summary>The customer policy for an owner of the current account (an API key: its scopes decide).</summary>
    public const string AccountOwnerPolicy = "account_owner";
    /// <summary>Billing staff (role <c>billing_admin</c>). Not implicitly a customer of any account.</summary>
    public const string BillingAdminPolicy = "billing_admin";
    /// <summary>A trusted gateway with a metering token.</summary>
    public const string MeteringPolicy = "metering";
    public const string MeteringServiceRole = "metering_service";
    /// <summary>The operator's own systems (sign-up flow, CRM) with an admin token: the provisioning API.</summary>
    public const string AdminTokenPolicy = "admin_token";
    public const string AdminServiceRole = "admin_service";

    /// <summary>The account the caller acts for, or null when none is attached.</summary>
    public static long? GetAccountId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(AccountId), out var id) ? id : null;

    /// <summary>The session's role in its current account, or null for API keys and sessions without an account.</summary>
    public static string? GetAccountRole(this ClaimsPrincipal user) => user.FindFirstValue(AccountRole);

    /// <summary>The scopes of the caller's API key, or null when the caller is not an API key (sessions are not scoped).</summary>
    public static IReadOnlyList<string>? GetKeyScopes(this ClaimsPrincipal user) =>
        user.HasClaim(c => c.Type == ApiKeyId) ? user.FindAll(Scope).Select(c => c.Value).ToList() : null;

    /// <summary>The signed-in user's id, or null for API keys, gateways and anonymous callers.</summary>
    public static long? GetUserId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(UserId), out var id) ? id : null;

    /// <summary>An admin token's caller as the actor of what it does (<c>admin-token:{name}</c>), or null for any other caller.</summary>
    public static Accounting.Admin.AdminActor? GetTokenActor(this ClaimsPrincipal user) =>
        user.IsInRole(AdminServiceRole) && user.FindFirstValue(Name) is { Length: > 0 } name ? new(0, $"admin-token:{name}") : null;

    /// <summary>The signed-in billing admin as the actor of what they do, or null for anyone without a user id.</summary>
    public static Accounting.Admin.AdminActor? GetAdminActor(this ClaimsPrincipal user) =>
        user.GetUserId() is { } id ? new(id, user.FindFirstValue(Email) is { Length: > 0 } email ? email : $"user:{id}") : null;

    /// <summary>Who a customer's change is recorded as: the user's email (else <c>user:{id}</c>), or <c>api-key:{id}</c>
    /// for a key.</summary>
    public static string GetActorName(this ClaimsPrincipal user) =>
        user.GetAdminActor()?.Name ?? $"api-key:{user.FindFirstValue(ApiKeyId)}";
}
