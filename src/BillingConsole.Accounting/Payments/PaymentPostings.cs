using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Payments;

/// <summary>A paid purchase as the ledger records it: topup = <see cref="Paid"/> (what the card paid) and
/// platform_fee = −<see cref="Fee"/>, both citing <see cref="RefId"/>, so the balance grows by Paid − Fee (the credits).</summary>
public sealed record PurchaseCredit(long AccountId, string RefId, string TopupKey, string FeeKey, Money Paid, Money Fee,
    string Description, string FeeDescription, Origin Origin);

public sealed record PostedPurchase(PostedEntry Topup, PostedEntry? Fee)
{
    public bool Replayed => Topup.Replayed && (Fee?.Replayed ?? true);
    public Money Credits => Topup.Amount + (Fee?.Amount ?? Money.Zero);
    public Money BalanceAfter => Fee?.BalanceAfter ?? Topup.BalanceAfter;
}

/// <summary>What one payment put on an account, read back from the ledger entries its keys name.</summary>
public sealed record CreditedPayment(long AccountId, string RefId, Money Paid, Money Fee)
{
    /// <summary>The credits the payment bought: what a full refund or a lost dispute takes back.</summary>
    public Money Credits => Paid - Fee;
}

/// <summary>
/// The ledger side of payments. Every write goes through <see cref="LedgerWriter.PostAsync"/> with a key derived from
/// the purchase or the provider's object, so a retry, a re-delivery or a concurrent delivery writes nothing new.
/// </summary>
public sealed class PaymentPostings(LedgerWriter ledger, IDbContextFactory<BillingDbContext> dbFactory)
{
    /// <summary>Who writes what a provider reports: its webhook, acting as the provider.</summary>
    public static Origin WebhookOrigin(PaymentProvider p) => new(EntrySources.PaymentWebhook, p.Key);

    /// <summary>Posts the topup and then the fee. Each is idempotent on its own key: if the process stops between the
    /// two, the retry (a re-delivered event, or the same purchase request again) replays the topup and writes the fee.</summary>
    public async Task<LedgerResult<PostedPurchase>> CreditPurchaseAsync(PurchaseCredit p, CancellationToken ct = default)
    {
        if (p.Paid.Units <= 0 || p.Fee.IsNegative || p.Fee >= p.Paid)
            return LedgerResult<PostedPurchase>.Fail(LedgerError.InvalidRequest, "A purchase pays more than zero and more than its fee.");
        var topup = await ledger.PostAsync(new PostRequest(p.AccountId, EntryTypes.Topup, p.Paid, p.Description, p.Origin, p.RefId, p.TopupKey), ct);
        if (topup.Value is not { } topupEntry)
            return topup.Failure!;
        if (p.Fee.Units == 0)
            return LedgerResult<PostedPurchase>.Ok(new PostedPurchase(topupEntry, null));
        var fee = await ledger.PostAsync(new PostRequest(p.AccountId, EntryTypes.PlatformFee, -p.Fee, p.FeeDescription, p.Origin, p.RefId, p.FeeKey), ct);
        return fee.Value is { } feeEntry
            ? LedgerResult<PostedPurchase>.Ok(new PostedPurchase(topupEntry, feeEntry))
            : fee.Failure!;
    }

    public Task<LedgerResult<PostedEntry>> CreditAutoRechargeAsync(long accountId, Money amount, string refId, string key,
        string description, Origin origin, CancellationToken ct = default) =>
        ledger.PostAsync(new PostRequest(accountId, EntryTypes.AutoRecharge, amount, description, origin, refId, key), ct);

    public Task<LedgerResult<PostedEntry>> DebitRefundAsync(PaymentProvider p, long accountId, string paidRef, string refundRef, Money credits,
        string description, CancellationToken ct = default) =>
        ledger.PostAsync(new PostRequest(accountId, EntryTypes.PaymentRefund, -credits, description, WebhookOrigin(p), refundRef,
            PaymentKeys.Refund(p, paidRef, refundRef)), ct);

    public Task<LedgerResult<PostedEntry>> DebitDisputeAsync(PaymentProvider p, long accountId, string disputeRef, Money credits, string description,
        CancellationToken ct = default) =>
        ledger.PostAsync(new PostRequest(accountId, EntryTypes.Dispute, -credits, description, WebhookOrigin(p), disputeRef,
            PaymentKeys.Dispute(p, disputeRef)), ct);

    public Task<LedgerResult<PostedEntry>> ReverseDisputeAsync(PaymentProvider p, long accountId, string disputeRef, Money credits, string description,
        CancellationToken ct = default) =>
        ledger.PostAsync(new PostRequest(accountId, EntryTypes.DisputeReversal, credits, description, WebhookOrigin(p), disputeRef,
            PaymentKeys.DisputeWon(p, disputeRef)), ct);

    /// <summary>Credits a refund takes back, given the credits the payment bought, the cash already refunded before it
    /// and its own cash amount: refunds take credits at face value until the purchased credits are gone, and whatever
    /// is refunded beyond that returns the fee (it takes no credits). A full refund of credits + fee therefore
    /// leaves the account exactly where it was before the purchase.</summary>
    public static Money CreditsTakenBy(Money purchasedCredits, Money refundedBefore, Money amount)
    {
        static Money Min(Money a, Money b) => a < b ? a : b;
        return Min(refundedBefore + amount, purchasedCredits) - Min(refundedBefore, purchasedCredits);
    }

    /// <summary>The purchase or auto-recharge the provider's object <paramref name="reference"/> credited to the account
    /// (its topup and fee, else its auto-recharge), or null when it is not credited.</summary>
    public async Task<CreditedPayment?> FindCreditedAsync(PaymentProvider p, long accountId, string reference, CancellationToken ct = default) =>
        await FindCreditedAsync(accountId, PaymentKeys.Topup(p, reference), PaymentKeys.Fee(p, reference), ct)
        ?? await FindCreditedAsync(accountId, PaymentKeys.AutoRecharge(p, reference), null, ct);

    /// <summary>The purchase or auto-recharge whose entries carry these keys, or null when it is not credited.</summary>
    public async Task<CreditedPayment?> FindCreditedAsync(long accountId, string topupKey, string? feeKey, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entries = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.AccountId == accountId && (e.IdempotencyKey == topupKey || (feeKey != null && e.IdempotencyKey == feeKey)))
            .Select(e => new { e.IdempotencyKey, e.Amount, e.RefId })
            .ToListAsync(ct);
        var topup = entries.FirstOrDefault(e => e.IdempotencyKey == topupKey);
        if (topup is null)
            return null;
        var fee = entries.FirstOrDefault(e => e.IdempotencyKey == feeKey)?.Amount ?? 0;
        return new CreditedPayment(accountId, topup.RefId ?? "", new Money(topup.Amount), new Money(-fee));
    }

    /// <summary>The amount of the entry written under <paramref name="key"/>, or null when there is none.</summary>
    public async Task<Money?> FindAmountAsync(long accountId, string key, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var amount = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.AccountId == accountId && e.IdempotencyKey == key)
            .Select(e => (long?)e.Amount).FirstOrDefaultAsync(ct);
        return amount is { } a ? new Money(a) : null;
    }
}
