using System.Globalization;
using System.Text.Json;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Payments;

/// <summary>Stripe's money (from the recorded events) next to the ledger's (entries from the webhook) for a period.
/// Refunds differ by design: Stripe counts cash returned, the ledger the credits taken (a refund beyond the purchased
/// credits returns the fee and takes none).</summary>
public sealed record ReconciliationTotals(
    Money StripePaid, Money LedgerPurchased,
    Money StripeFees, Money LedgerFees,
    Money StripeRefunded, Money LedgerRefunded,
    Money StripeDisputed, Money LedgerDisputed,
    Money StripeDisputesWon, Money LedgerDisputeReversals);

/// <summary>A Stripe object whose ledger entries are missing or differ from what its events say.</summary>
public sealed record ReconciliationIssue(string Kind, string StripeObjectId, long? AccountId, string Detail);

/// <summary>A webhook-written ledger entry that no recorded Stripe event explains.</summary>
public sealed record LedgerOrphan(long EntryId, long AccountId, string Type, Money Amount, string? RefId, string? IdempotencyKey, DateTime CreatedAt);

public sealed record ReconciliationReport(DateTime From, DateTime To, ReconciliationTotals Totals,
    IReadOnlyList<ReconciliationIssue> StripeWithoutLedger, IReadOnlyList<LedgerOrphan> LedgerWithoutStripe)
{
    public bool Balanced => StripeWithoutLedger.Count == 0 && LedgerWithoutStripe.Count == 0
        && Totals.StripePaid == Totals.LedgerPurchased && Totals.StripeFees == Totals.LedgerFees;
}

/// <summary>
/// Reconciles Stripe with the ledger for [from, to): Stripe objects by their events' creation time, ledger entries by
/// theirs, matched object by object through the keys the handlers derive from Stripe ids. An object credited near a
/// period boundary can show in one period's Stripe totals and the next one's ledger totals; the object lists have no
/// such effect.
/// </summary>
public sealed class ReconciliationReports(IDbContextFactory<BillingDbContext> dbFactory)
{
    public async Task<ReconciliationReport> GetAsync(DateTime from, DateTime to, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var events = await db.StripeEvents.AsNoTracking()
            .Where(e => e.CreatedAt >= from && e.CreatedAt < to)
            .OrderBy(e => e.CreatedAt).ThenBy(e => e.Id)
            .ToListAsync(ct);
        var issues = new List<ReconciliationIssue>();
        var keysByAccount = new Dictionary<long, HashSet<string>>();
        Money stripePaid = Money.Zero, stripeFees = Money.Zero, stripeRefunded = Money.Zero, stripeDisputed = Money.Zero, stripeWon = Money.Zero;

        foreach (var e in events.Where(e => e.Outcome is StripeEventOutcomes.Failed or StripeEventOutcomes.Deferred).GroupBy(e => e.EventId))
        {
            var last = e.Last();
            issues.Add(new("unresolved_event", last.ObjectId ?? last.EventId, last.AccountId, $"{last.Type} event {last.EventId} is {last.Outcome}: {last.Detail}"));
        }
        var processed = events.Where(e => e.Outcome == StripeEventOutcomes.Processed && e.AccountId is not null && e.ObjectId is not null).ToList();

        // Payments: each paid session or auto-recharge PaymentIntent once.
        // A setup-mode session ("Save a card") completes with no amount: it saved a card and moved no money.
        foreach (var e in processed.Where(e => StripeEventTypes.Crediting.Contains(e.Type) && e.AmountCents is not null).DistinctBy(e => e.ObjectId))
        {
            var paid = Money.FromCents(e.AmountCents ?? 0);
            stripePaid += paid;
            var account = e.AccountId!.Value;
            if (e.Type == StripeEventTypes.PaymentIntentSucceeded)
            {
                await ExpectAsync(db, account, e.ObjectId!, PaymentKeys.StripeAutoRecharge(e.ObjectId!), paid, "auto-recharge", issues, keysByAccount, ct);
                continue;
            }
            var fee = Money.FromCents(MetadataCents(e.Payload, "fee_cents"));
            stripeFees += fee;
            await ExpectAsync(db, account, e.ObjectId!, PaymentKeys.StripeTopup(e.ObjectId!), paid, "topup", issues, keysByAccount, ct);
            if (fee.Units > 0)
                await ExpectAsync(db, account, e.ObjectId!, PaymentKeys.StripeFee(e.ObjectId!), -fee, "platform fee", issues, keysByAccount, ct);
        }

        // Refunds: a charge's amount_refunded is cumulative; the period's share is its growth within the period.
        foreach (var charge in processed.Where(e => e.Type == StripeEventTypes.ChargeRefunded).GroupBy(e => e.ObjectId!))
        {
            var account = charge.First().AccountId!.Value;
            var total = charge.Max(e => e.AmountCents ?? 0);
            var before = await db.StripeEvents.AsNoTracking()
                .Where(e => e.ObjectId == charge.Key && e.Type == StripeEventTypes.ChargeRefunded && e.CreatedAt < from && e.Outcome == StripeEventOutcomes.Processed)
                .MaxAsync(e => e.AmountCents, ct) ?? 0;
            stripeRefunded += Money.FromCents(Math.Max(0, total - before));
            var prefix = PaymentKeys.StripeRefundPrefix(charge.Key);
            var taken = await db.LedgerEntries.AsNoTracking()
                .Where(x => x.AccountId == account && x.Type == EntryTypes.PaymentRefund && x.IdempotencyKey!.StartsWith(prefix))
                .SumAsync(x => (long?)x.Amount, ct) ?? 0;
            var paymentIntent = charge.First().PaymentIntentId;
            var payment = paymentIntent is null ? null : await CreditedByAsync(db, paymentIntent, ct);
            if (payment is not null)
            {
                var expected = PaymentPostings.CreditsTakenBy(payment.Credits, Money.Zero, Money.FromCents(total));
                if (expected.Units != -taken)
                    issues.Add(new("refund_mismatch", charge.Key, account,
                        $"Charge {charge.Key}: {Money.FromCents(total)} refunded should take {expected} of credits; the ledger took {new Money(-taken)}."));
            }
            else if (taken == 0 && total > 0)
                issues.Add(new("refund_not_recorded", charge.Key, account, $"Charge {charge.Key}: {Money.FromCents(total)} refunded, no ledger entry."));
        }

        // Disputes: the dispute entry for each opened (or closed) dispute; the reversal for each one won.
        var disputes = processed.Where(e => e.Type is StripeEventTypes.ChargeDisputeCreated or StripeEventTypes.ChargeDisputeClosed).GroupBy(e => e.ObjectId!);
        foreach (var dispute in disputes)
        {
            var account = dispute.First().AccountId!.Value;
            stripeDisputed += Money.FromCents(dispute.Max(e => e.AmountCents ?? 0));
            var taken = await FindAmountAsync(db, account, PaymentKeys.StripeDispute(dispute.Key), ct);
            if (taken is null)
                issues.Add(new("dispute_not_recorded", dispute.Key, account, $"Dispute {dispute.Key} has no dispute entry."));
            var won = dispute.Any(e => e.Type == StripeEventTypes.ChargeDisputeClosed && ObjectStatus(e.Payload) == "won");
            if (!won)
                continue;
            stripeWon += Money.FromCents(dispute.Max(e => e.AmountCents ?? 0));
            var reversal = await FindAmountAsync(db, account, PaymentKeys.StripeDisputeWon(dispute.Key), ct);
            if (reversal is null || (taken is { } t && reversal.Value.Units != -t.Units))
                issues.Add(new("dispute_reversal_missing", dispute.Key, account, $"Dispute {dispute.Key} was won but its credits are not restored."));
        }

        var ledger = await db.LedgerEntries.AsNoTracking()
            .Where(x => x.Source == EntrySources.StripeWebhook && x.CreatedAt >= from && x.CreatedAt < to)
            .Select(x => new { x.Id, x.AccountId, x.Type, x.Amount, x.RefId, x.IdempotencyKey, x.CreatedAt })
            .ToListAsync(ct);
        long Sum(params string[] types) => ledger.Where(x => types.Contains(x.Type)).Sum(x => x.Amount);

        // The reverse: webhook entries whose Stripe object no recorded event (of any time) names.
        var objects = ledger.Select(x => PaymentKeys.StripeObjectOf(x.IdempotencyKey)).OfType<string>().Distinct().ToList();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in objects.Chunk(500))
            known.UnionWith(await db.StripeEvents.AsNoTracking().Where(e => e.ObjectId != null && chunk.Contains(e.ObjectId))
                .Select(e => e.ObjectId!).Distinct().ToListAsync(ct));
        var orphans = ledger
            .Where(x => PaymentKeys.StripeObjectOf(x.IdempotencyKey) is not { } o || !known.Contains(o))
            .Select(x => new LedgerOrphan(x.Id, x.AccountId, x.Type, new Money(x.Amount), x.RefId, x.IdempotencyKey, x.CreatedAt))
            .ToList();

        var totals = new ReconciliationTotals(
            stripePaid, new Money(Sum([.. EntryCategories.Get(EntryCategory.Purchase).Types])),
            stripeFees, new Money(-Sum(EntryTypes.PlatformFee)),
            stripeRefunded, new Money(-Sum(EntryTypes.PaymentRefund)),
            stripeDisputed, new Money(-Sum(EntryTypes.Dispute)),
            stripeWon, new Money(Sum(EntryTypes.DisputeReversal)));
        return new ReconciliationReport(from, to, totals, issues, orphans);
    }

    private static async Task ExpectAsync(BillingDbContext db, long accountId, string objectId, string key, Money expected, string what,
        List<ReconciliationIssue> issues, Dictionary<long, HashSet<string>> seen, CancellationToken ct)
    {
        if (!seen.TryGetValue(accountId, out var keys))
            seen[accountId] = keys = [];
        if (!keys.Add(key))
            return;
        var actual = await FindAmountAsync(db, accountId, key, ct);
        if (actual is null)
            issues.Add(new("not_credited", objectId, accountId, $"{objectId}: no {what} entry ({expected} expected)."));
        else if (actual != expected)
            issues.Add(new("amount_mismatch", objectId, accountId, $"{objectId}: the {what} entry is {actual}, Stripe says {expected}."));
    }

    private static async Task<Money?> FindAmountAsync(BillingDbContext db, long accountId, string key, CancellationToken ct)
    {
        var amount = await db.LedgerEntries.AsNoTracking().Where(x => x.AccountId == accountId && x.IdempotencyKey == key)
            .Select(x => (long?)x.Amount).FirstOrDefaultAsync(ct);
        return amount is { } a ? new Money(a) : null;
    }

    private static async Task<CreditedPayment?> CreditedByAsync(BillingDbContext db, string paymentIntentId, CancellationToken ct)
    {
        var e = await db.StripeEvents.AsNoTracking()
            .Where(x => x.PaymentIntentId == paymentIntentId && x.AccountId != null && x.ObjectId != null
                && x.Outcome == StripeEventOutcomes.Processed && StripeEventTypes.Crediting.Contains(x.Type))
            .OrderBy(x => x.Id).FirstOrDefaultAsync(ct);
        if (e is null)
            return null;
        var account = e.AccountId!.Value;
        var isCheckout = e.ObjectId!.StartsWith("cs_", StringComparison.Ordinal);
        var paid = await FindAmountAsync(db, account, isCheckout ? PaymentKeys.StripeTopup(e.ObjectId) : PaymentKeys.StripeAutoRecharge(e.ObjectId), ct);
        if (paid is null)
            return null;
        var fee = isCheckout ? await FindAmountAsync(db, account, PaymentKeys.StripeFee(e.ObjectId), ct) : null;
        return new CreditedPayment(account, e.ObjectId, paid.Value, -(fee ?? Money.Zero));
    }

    private static JsonElement? DataObject(string payload)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            return doc.RootElement.TryGetProperty("data", out var data) && data.TryGetProperty("object", out var obj) ? obj.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static long MetadataCents(string payload, string name) =>
        DataObject(payload) is { } obj && obj.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object
            && meta.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var cents) ? cents : 0;

    private static string? ObjectStatus(string payload) =>
        DataObject(payload) is { } obj && obj.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String ? status.GetString() : null;
}
