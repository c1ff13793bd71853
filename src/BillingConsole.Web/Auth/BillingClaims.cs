using System.Security.Claims;

namespace BillingConsole.Web.Auth;

public static class BillingClaims
{
    public const string AccountId = "account_id";
    public const string UserId = "user_id";
    public const string ApiKeyId = "api_key_id";
    public const string Role = "role";
    public const string Name = "name";

    public const string CustomerPolicy = "customer";
    public const string MeteringPolicy = "metering";
    public const string MeteringServiceRole = "metering_service";

    /// <summary>The account the caller acts for, or null when none is attached.</summary>
    public static long? GetAccountId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(AccountId), out var id) ? id : null;
}
