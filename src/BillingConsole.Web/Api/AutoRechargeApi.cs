using System.ComponentModel;
using System.Security.Claims;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BillingConsole.Web.Api;

public sealed record AutoRechargeCardResponse(string Brand, string Last4);

public sealed record AutoRechargeAttemptResponse(DateTime At, decimal Amount,
    [property: Description("pending, succeeded or failed.")] string Outcome,
    [property: Description("Why it failed, in plain words; null unless it failed.")] string? Reason);

public sealed record AutoRechargeResponse(
    bool Enabled, decimal? Threshold, decimal? Amount, decimal? MonthlyCap,
    [property: Description("The saved card's id (pass it back on PUT, or leave it out); null when no card is saved.")] string? PaymentMethod,
    AutoRechargeCardResponse? Card,
    [property: Description("What auto-recharge credited this calendar month (UTC), from the ledger.")] decimal RechargedThisMonth,
    [property: Description("Failed attempts in a row; at 3 auto-recharge turns itself off.")] int ConsecutiveFailures,
    [property: Description("Why auto-recharge turned itself off; null when it did not.")] string? DisabledReason,
    AutoRechargeAttemptResponse? LastAttempt, decimal MinAmount, decimal MaxAmount,
    [property: Description("Whether turning auto-recharge on needs a saved card (false in development mode).")] bool CardRequired)
{
    public static AutoRechargeResponse From(AutoRechargeStatus s)
    {
        var a = s.Settings;
        return new(a.Enabled, a.Threshold?.ToDecimal(), a.Amount?.ToDecimal(), a.MonthlyCap?.ToDecimal(), a.Card?.Id,
            a.Card is { } c ? new AutoRechargeCardResponse(c.Brand, c.Last4) : null, s.RechargedThisMonth.ToDecimal(), a.ConsecutiveFailures,
            s.TurnedOffByFailures ? a.LastFailure : null,
            a.LastAttempt is { } l ? new AutoRechargeAttemptResponse(l.At, l.Amount.ToDecimal(), l.Outcome, l.Reason) : null,
            s.MinAmount.ToDecimal(), s.MaxAmount.ToDecimal(), s.CardRequired);
    }
}

public sealed record AutoRechargeBody(
    bool? Enabled,
    [property: Description("USD: a recharge starts when the balance falls below it. Optional when turning auto-recharge off.")] decimal? Threshold,
    [property: Description("USD, whole cents within min_amount..max_amount: what each recharge charges and credits.")] decimal? Amount,
    [property: Description("USD: the most auto-recharge may credit in a calendar month; null for no cap. At least amount.")] decimal? MonthlyCap = null,
    [property: Description("The saved card's id from GET; optional (the saved card is the only one).")] string? PaymentMethod = null);

/// <summary><c>GET/PUT /billing/auto-recharge</c>: every member (or a billing:read key) reads the settings; owners
/// (or a keys:write key) change them. Bad input is 400 and changes nothing.</summary>
public static class AutoRechargeApi
{
    public const string Route = "/billing/auto-recharge";

    public static IEndpointRouteBuilder MapAutoRechargeApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route).WithMetadata(new ApiEndpointMetadata()).WithTags("Billing");
        group.MapGet("", GetAsync)
            .RequireAccountAccess(CustomerAction.ReadAccount)
            .RequireKeyScope(ApiKeyScopes.BillingRead)
            .WithSummary("Auto-recharge settings, the saved card, the last attempt and this month's recharged total")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("", PutAsync)
            .RequireAccountAccess(CustomerAction.ManagePaymentSettings)
            .RequireKeyScope(ApiKeyScopes.KeysWrite)
            .WithSummary("Turn auto-recharge on or off and set its threshold, amount and monthly cap")
            .DocumentsJsonBody<AutoRechargeBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<AutoRechargeResponse>, ProblemHttpResult>> GetAsync(ClaimsPrincipal user, AutoRechargeControls controls,
        CancellationToken ct) =>
        await controls.GetAsync(user.GetAccountId()!.Value, ct) is { } status
            ? TypedResults.Ok(AutoRechargeResponse.From(status))
            : Problems.NotFound("The account no longer exists.");

    public static async Task<Results<Ok<AutoRechargeResponse>, ProblemHttpResult>> PutAsync(HttpRequest request, ClaimsPrincipal user,
        AutoRechargeControls controls, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<AutoRechargeBody>(request, ct);
        if (problem is not null)
            return problem;
        var accountId = user.GetAccountId()!.Value;
        if (await controls.GetAsync(accountId, ct) is not { } current)
            return Problems.NotFound("The account no longer exists.");
        if (Bind(body!, current.Settings, out var change) is { } invalid)
            return Problems.Invalid(invalid);
        if (await controls.SetAsync(accountId, change, ct) is { } refused)
            return Problems.Invalid(refused);
        return TypedResults.Ok(AutoRechargeResponse.From((await controls.GetAsync(accountId, ct))!));
    }

    /// <summary>The change the body asks for, or the message for the 400. Turning auto-recharge off may leave out the
    /// threshold and amount (the stored ones are kept).</summary>
    public static string? Bind(AutoRechargeBody body, AutoRechargeSettings current, out AutoRechargeChange change)
    {
        change = new AutoRechargeChange(false, Money.Zero, Money.Zero, null);
        if (body.Enabled is not { } enabled)
            return "enabled is required (true or false).";
        if (!TryAmount(body.Threshold, out var threshold) || threshold is { Units: <= 0 })
            return "threshold is a positive USD amount with at most 9 decimals.";
        if (!TryAmount(body.Amount, out var amount) || amount is { Units: <= 0 })
            return "amount is a positive USD amount in whole cents.";
        if (!TryAmount(body.MonthlyCap, out var cap) || cap is { Units: <= 0 })
            return "monthly_cap is a positive USD amount, or null for no cap.";
        threshold ??= enabled ? null : current.Threshold;
        amount ??= enabled ? null : current.Amount;
        if (threshold is null)
            return "threshold is required: the balance below which a recharge starts.";
        if (amount is null)
            return "amount is required: what each recharge charges and credits.";
        if (cap is { } c && c < amount)
            return "monthly_cap must be at least amount, or no recharge could ever run.";
        if (body.PaymentMethod is { } pm && pm != current.PaymentMethodId)
            return current.PaymentMethodId is null
                ? "No card is saved: save one on the billing page (Stripe Checkout) first."
                : "payment_method is not the saved card; leave it out or pass the id GET returns.";
        change = new AutoRechargeChange(enabled, threshold.Value, amount.Value, cap);
        return null;
    }

    private static bool TryAmount(decimal? value, out Money? money)
    {
        money = null;
        if (value is null)
            return true;
        if (!Money.TryFromDecimal(value.Value, out var m))
            return false;
        money = m;
        return true;
    }
}
