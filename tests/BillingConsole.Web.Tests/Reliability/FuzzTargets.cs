using BillingConsole.Web.Tests.Auth;

namespace BillingConsole.Web.Tests.Reliability;

/// <summary>The JSON field names each endpoint reads (so bodies reach past the parser), and the caller to send per policy.</summary>
public static class FuzzTargets
{
    private static readonly string[] SettleFields =
        ["input_tokens", "output_tokens", "cached_tokens", "status", "error_code", "latency_ms", "ttfb_ms", "streaming", "provider", "client_ip", "user_agent",
            "http_status", "quantity"];

    public static IReadOnlyList<string> FieldsOf(string route) => route switch
    {
        "/v1/meter/reservations" => ["idempotency_key", "api_key_id", "api_key", "model", "max_input_tokens", "max_output_tokens", "tags", "ttl_seconds",
            "sku", "quantity", "description"],
        "/v1/meter/keys:verify" => ["key"],
        "/v1/meter/reservations/{id}/renew" => ["quantity", "idempotency_key", "next_quantity", "description"],
        "/v1/meter/usage" => ["idempotency_key", "api_key_id", "account_id", "sku", "quantity", "description"],
        "/v1/meter/reservations/{id}/settle" => SettleFields,
        "/v1/meter/reservations/{id}/release" => ["reason"],
        "/v1/meter/settlements:batch" => ["settlements", "reservation_id", .. SettleFields],
        "/v1/meter/reservations/{id}/extend" => ["ttl_seconds"],
        "/v1/meter/releases:batch" => ["releases", "reservation_id", "reason"],
        "/v1/keys" or "/v1/keys/{id}" => ["name", "monthly_spend_limit", "scopes", "expires_at", "idempotency_key"],
        "/billing/alerts/rules" => ["kind", "threshold", "key_id", "budget_id"],
        "/billing/alerts/endpoints" => ["url"],
        "/billing/budgets" or "/v1/admin/accounts/{id}/budgets" => ["api_key_id", "amount", "period"],
        "/billing/budgets/{id}" or "/v1/admin/accounts/{id}/budgets/{budget_id}" => ["amount"],
        "/billing/auto-recharge" => ["enabled", "threshold", "amount", "monthly_cap", "payment_method"],
        "/v1/admin/accounts" => ["name", "email", "overdraft_floor", "opening_grant", "opening_grant_reason", "idempotency_key"],
        "/v1/admin/accounts/{id}/entries" => ["type", "amount", "reason", "idempotency_key"],
        "/v1/admin/accounts/{id}/invitations" => ["email", "role"],
        "/v1/admin/accounts/{id}/keys" => ["name", "scopes", "monthly_spend_limit", "expires_at", "idempotency_key"],
        "/v1/admin/accounts/{id}/suspend" or "/v1/admin/accounts/{id}/reinstate" or "/v1/admin/accounts/{id}/close" => ["reason"],
        "/stripe/webhook" => ["id", "type", "object", "data", "amount_total", "metadata", "account_id", "created", "livemode"],
        _ => ["email", "returnUrl", "account_id", "__RequestVerificationToken", "description", "amount"],
    };

    /// <summary>Who calls the endpoint in the fuzzer: the credentials its policy accepts (browser session for pages).</summary>
    public static FuzzCaller CallerOf(EndpointAccess e) => e.Access switch
    {
        Access.Customer => e.IsPage ? FuzzCaller.Session : FuzzCaller.CustomerKey,
        Access.Metering => FuzzCaller.Metering,
        Access.AdminToken => FuzzCaller.AdminToken,
        Access.Session => FuzzCaller.Session,
        Access.BillingAdmin => FuzzCaller.Admin,
        Access.Anonymous or Access.Undeclared => FuzzCaller.Anonymous,
        _ => throw new InvalidOperationException($"{e}: the fuzzer has no caller for {e.Access}."),
    };
}

public enum FuzzCaller { Anonymous, CustomerKey, Metering, Session, Admin, AdminToken }
