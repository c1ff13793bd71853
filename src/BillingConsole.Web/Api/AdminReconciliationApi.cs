using BillingConsole.Accounting.Payments;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BillingConsole.Web.Api;

public sealed record ReconciliationTotalsResponse(decimal StripePaid, decimal LedgerPurchased, decimal StripeFees, decimal LedgerFees,
    decimal StripeRefunded, decimal LedgerRefunded, decimal StripeDisputed, decimal LedgerDisputed, decimal StripeDisputesWon,
    decimal LedgerDisputeReversals);

/// <summary>A Stripe object whose ledger entries are missing or differ; the URLs open its events and its account in the console.</summary>
public sealed record ReconciliationIssueResponse(string Kind, string StripeObjectId, long? AccountId, string Detail, string EventsUrl, string? AccountUrl);

/// <summary>A webhook-written ledger entry that no recorded Stripe event explains.</summary>
public sealed record LedgerOrphanResponse(long EntryId, long AccountId, string Type, decimal Amount, string? RefId, string? IdempotencyKey,
    DateTime CreatedAt, string AccountUrl);

public sealed record ReconciliationResponse(DateOnly From, DateOnly To, bool Balanced, ReconciliationTotalsResponse Totals,
    List<ReconciliationIssueResponse> StripeWithoutLedger, List<LedgerOrphanResponse> LedgerWithoutStripe);

/// <summary>Stripe against the ledger for staff: every payment, refund and dispute of a period next to the entries it
/// should have produced, and the webhook entries no Stripe object explains (admin token).</summary>
public static class AdminReconciliationApi
{
    public const int DefaultDays = 31;
    public const int MaxDays = 366;

    public static IEndpointRouteBuilder MapAdminReconciliationApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/admin/reconciliation", GetAsync)
            .RequireAuthorization(BillingClaims.AdminTokenPolicy)
            .WithMetadata(new ApiEndpointMetadata())
            .WithTags("Provisioning")
            .WithSummary($"Stripe's payments, refunds and disputes against the ledger for from..to (UTC dates, both included; default the last {DefaultDays} days, at most {MaxDays})")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    public static async Task<Results<Ok<ReconciliationResponse>, ProblemHttpResult>> GetAsync([AsParameters] DateRangeQuery range,
        ReconciliationReports reports, TimeProvider clock, CancellationToken ct)
    {
        if (range.Bind(clock, DefaultDays, MaxDays, out var from, out var to) is { } problem)
            return problem;
        var report = await reports.GetAsync(from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), ct);
        return TypedResults.Ok(From(report, from, to));
    }

    public static ReconciliationResponse From(ReconciliationReport r, DateOnly from, DateOnly to)
    {
        var t = r.Totals;
        return new ReconciliationResponse(from, to, r.Balanced,
            new ReconciliationTotalsResponse(t.ProviderPaid.ToDecimal(), t.LedgerPurchased.ToDecimal(), t.ProviderFees.ToDecimal(), t.LedgerFees.ToDecimal(),
                t.ProviderRefunded.ToDecimal(), t.LedgerRefunded.ToDecimal(), t.ProviderDisputed.ToDecimal(), t.LedgerDisputed.ToDecimal(),
                t.ProviderDisputesWon.ToDecimal(), t.LedgerDisputeReversals.ToDecimal()),
            [.. r.ProviderWithoutLedger.Select(i => new ReconciliationIssueResponse(i.Kind, i.ObjectId, i.AccountId, i.Detail,
                EventsUrl(i.ObjectId), i.AccountId is { } a ? AccountUrl(a) : null))],
            [.. r.LedgerWithoutProvider.Select(o => new LedgerOrphanResponse(o.EntryId, o.AccountId, o.Type, o.Amount.ToDecimal(), o.RefId,
                o.IdempotencyKey, o.CreatedAt, AccountUrl(o.AccountId)))]);
    }

    /// <summary>The console's event log filtered to one Stripe object.</summary>
    public static string EventsUrl(string objectId) => $"/admin/webhooks?object={Uri.EscapeDataString(objectId)}";

    public static string AccountUrl(long accountId) => $"/admin/accounts/{accountId}";
}
