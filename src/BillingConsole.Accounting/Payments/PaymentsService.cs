using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BillingConsole.Accounting.Payments;

/// <summary>A purchase as the console builds it: <see cref="PurchaseId"/> is created with the request (when the dialog
/// shows the packages), not on click, so a double click or a retry of the same request cannot buy twice.
/// A <see cref="CustomAmount"/> buys that many credits (package id <see cref="CreditPackages.CustomId"/>).</summary>
public sealed record PurchaseRequest(Guid PurchaseId, long AccountId, string PackageId, Money? CustomAmount = null);

public enum PurchaseOutcomeKind { Credited, Redirect, Failed }

public sealed record PurchaseOutcome(PurchaseOutcomeKind Kind, string Message, string? RefId = null, string? RedirectUrl = null,
    Money? Credits = null, Money? BalanceAfter = null)
{
    public static PurchaseOutcome Failed(string message) => new(PurchaseOutcomeKind.Failed, message);
}

/// <summary>An admin's refund of a provider purchase (<see cref="PurchaseRef"/> is its reference); null amount: all of it.</summary>
public sealed record RefundRequest(Guid RequestId, long AccountId, string PurchaseRef, Money? Amount, string Actor);

/// <summary>The outcome of a payment command, with a message safe to show.</summary>
public sealed record PaymentCommandResult(bool Succeeded, string Message, string? ObjectId = null);

/// <summary>Where a purchase stands, from the ledger (and, while it is not credited, from the provider).</summary>
public sealed record PurchaseStatus(string RefId, bool Credited, Money? Paid, Money? Fee, DateTime? CreditedAt, Money Balance, CheckoutState? Checkout)
{
    public Money? Credits => Paid is { } p ? p - (Fee ?? Money.Zero) : null;
}

public sealed record AutoRechargeRun(int Started, int Credited, int Failed, int Skipped);

/// <summary>
/// Buying credit packages, admin refunds and auto-recharge, through the one <see cref="IPaymentGateway"/>: the
/// provider's moves money and its webhooks write the ledger; development mode's grants at once through the same
/// postings (and says so in the descriptions).
/// </summary>
public sealed class PaymentsService(
    CreditPackages packages,
    PaymentPostings postings,
    PaymentAccounts accounts,
    IDbContextFactory<BillingDbContext> dbFactory,
    IOptions<PaymentsOptions> options,
    TimeProvider clock,
    IPaymentGateway gateway)
{
    public const string DevelopmentModeLabel = "development mode";

    public bool IsDevelopmentMode => gateway.GrantsInstantly;

    public IReadOnlyList<PackageQuote> Packages => packages.All;

    public PurchaseRequest NewPurchase(long accountId, string packageId) => new(Guid.NewGuid(), accountId, packageId);

    public PurchaseRequest NewCustomPurchase(long accountId, Money amount) => new(Guid.NewGuid(), accountId, CreditPackages.CustomId, amount);

    /// <summary>The price of a custom amount before paying, or null when it is out of bounds.</summary>
    public PackageQuote? QuoteCustom(Money amount) => packages.QuoteCustom(amount);

    public Money CustomMin => packages.CustomMin;
    public Money CustomMax => packages.CustomMax;

    public async Task<PurchaseOutcome> BuyAsync(PurchaseRequest request, string consoleBaseUrl, string actor, CancellationToken ct = default)
    {
        PackageQuote quote;
        if (request.CustomAmount is { } custom)
        {
            // Bounds are checked here, not only in the dialog: this is what the customer is charged.
            if (packages.QuoteCustom(custom) is not { } customQuote)
                return PurchaseOutcome.Failed(packages.CustomAmountProblem(custom)!);
            quote = customQuote;
        }
        else if (packages.Find(request.PackageId) is { } found)
            quote = found;
        else
            return PurchaseOutcome.Failed("That package is not offered any more. Close the dialog and choose again.");
        if (await accounts.GetCustomerAsync(request.AccountId, ct) is not { } account)
            return PurchaseOutcome.Failed("The billing account no longer exists.");
        var baseUrl = consoleBaseUrl.EndsWith('/') ? consoleBaseUrl : consoleBaseUrl + "/";
        var started = await gateway.StartCheckoutAsync(new CheckoutStart(request.PurchaseId, request.AccountId, account.Name, account.Email,
            account.CustomerId, quote,
            SuccessUrl: baseUrl + "billing/checkout/success?session_id={CHECKOUT_SESSION_ID}",
            CancelUrl: baseUrl + "billing/checkout/cancel", actor), ct);
        if (started.Value is not { } session)
            return PurchaseOutcome.Failed(started.Failure!.Message);
        if (session.Granted is { } posted)
            return new PurchaseOutcome(PurchaseOutcomeKind.Credited,
                $"Added {posted.Credits} credits ({DevelopmentModeLabel}: no payment was taken).", session.SessionId, Credits: posted.Credits,
                BalanceAfter: posted.BalanceAfter);
        if (account.CustomerId is null && session.CustomerId is not null)
            await accounts.SetCustomerIfEmptyAsync(request.AccountId, session.CustomerId, ct);
        return new PurchaseOutcome(PurchaseOutcomeKind.Redirect, $"Continue to {gateway.Provider.Name} Checkout to pay.", session.SessionId, session.Url);
    }

    /// <summary>The purchase <paramref name="refId"/> of the account: credited or not per the ledger; while it is not,
    /// the provider's view of the checkout. Null when the reference is not the account's.</summary>
    public async Task<PurchaseStatus?> GetPurchaseAsync(long accountId, string refId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var balance = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => (long?)a.Balance).FirstOrDefaultAsync(ct);
        if (balance is null)
            return null;
        var entries = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.AccountId == accountId && e.RefId == refId && (e.Type == EntryTypes.Topup || e.Type == EntryTypes.PlatformFee))
            .Select(e => new { e.Type, e.Amount, e.CreatedAt }).ToListAsync(ct);
        var topup = entries.FirstOrDefault(e => e.Type == EntryTypes.Topup);
        if (topup is not null)
        {
            var fee = entries.Where(e => e.Type == EntryTypes.PlatformFee).Sum(e => -e.Amount);
            return new PurchaseStatus(refId, true, new Money(topup.Amount), new Money(fee), topup.CreatedAt, new Money(balance.Value), null);
        }
        if (await gateway.GetCheckoutAsync(refId, ct) is not { } state)
            return null;
        if (state.Value is { } s && s.AccountId != accountId)
            return null;
        return new PurchaseStatus(refId, false, null, null, null, new Money(balance.Value), state.Value);
    }

    /// <summary>Asks the provider to refund a purchase. The ledger is not touched here: the provider's refund event
    /// writes the payment_refund entry when it confirms, exactly once per refund.</summary>
    public async Task<PaymentCommandResult> RefundPurchaseAsync(RefundRequest request, CancellationToken ct = default)
    {
        if (gateway.RefundRefusal(request.PurchaseRef) is { } refused)
            return new(false, refused);
        var purchase = await postings.FindCreditedAsync(request.AccountId, PaymentKeys.Topup(gateway.Provider, request.PurchaseRef),
            PaymentKeys.Fee(gateway.Provider, request.PurchaseRef), ct);
        if (purchase is null)
            return new(false, "That purchase is not credited to this account.");
        long? cents = null;
        if (request.Amount is { } amount)
        {
            var centUnits = Money.FromCents(1).Units;
            if (amount.Units <= 0 || amount.Units % centUnits != 0 || amount > purchase.Paid)
                return new(false, $"The refund is whole cents, more than zero and at most the {purchase.Paid} paid.");
            cents = amount.Units / centUnits;
        }
        var refund = await gateway.RefundAsync(new RefundStart(request.RequestId, request.AccountId, request.PurchaseRef, cents, request.Actor), ct);
        return refund.Value is { } r
            ? new(true, $"Refund {r.RefundId} of {Money.FromCents(r.AmountCents)} requested ({r.Status}); the credits are removed when {gateway.Provider.Name} confirms it.", r.RefundId)
            : new(false, refund.Failure!.Message);
    }

    /// <summary>One pass of the auto-recharge worker: starts a recharge for each account below its threshold (within
    /// its monthly cap), re-sends attempts left unconfirmed, and gives up attempts older than a day.</summary>
    public async Task<AutoRechargeRun> RunAutoRechargeAsync(CancellationToken ct = default)
    {
        int started = 0, credited = 0, failed = 0, skipped = 0;
        var due = await accounts.DueAsync(options.Value.AutoRechargeRetryAfter, needsCard: !gateway.GrantsInstantly, ct: ct,
            failureBackoff: options.Value.AutoRechargeFailureBackoff);
        foreach (var d in due)
        {
            long sequence;
            if (d.Retry)
            {
                if (d.PendingAt < clock.GetUtcNow().UtcDateTime - PaymentAccounts.StaleAfter)
                {
                    await accounts.FailAsync(d.AccountId, d.Sequence,
                        $"Recharge attempt {d.Sequence} was not confirmed within a day; check {gateway.Provider.Name} for idempotency key {PaymentKeys.AutoRechargeAttempt(d.AccountId, d.Sequence)}.", ct);
                    failed++;
                    continue;
                }
                sequence = d.Sequence;
            }
            else
            {
                if (d.MonthlyCap is { } cap && await accounts.RechargedThisMonthAsync(d.AccountId, ct) + d.Amount > cap)
                {
                    skipped++;
                    continue;
                }
                if (await accounts.ClaimAsync(d.AccountId, d.Sequence, ct) is not { } claimed)
                {
                    skipped++;
                    continue;
                }
                sequence = claimed;
            }
            var charge = await gateway.ChargeAutoRechargeAsync(new RechargeStart(d.AccountId, sequence, d.Amount, d.CustomerId, d.PaymentMethodId,
                PaymentKeys.AutoRechargeAttempt(d.AccountId, sequence), $"Auto-recharge: balance {d.Balance} fell below {d.Threshold}"), ct);
            if (charge.Failure is { Kind: not PaymentErrorKind.Unavailable } refused)
            {
                await accounts.FailAsync(d.AccountId, sequence, refused.Message, ct);
                failed++;
            }
            else if (charge.Value is { Granted: not null })
            {
                await accounts.CompleteAsync(d.AccountId, sequence, ct);
                credited++;
            }
            else if (charge.Value is not null)
                started++;
            else
                skipped++; // unavailable: still in flight, sent again with the same key after AutoRechargeRetryAfter
        }
        return new AutoRechargeRun(started, credited, failed, skipped);
    }
}
