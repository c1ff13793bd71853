using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Payments;

/// <summary>The provider's money (from the recorded events) next to the ledger's (entries from the webhook) for a period.
/// Refunds differ by design: the provider counts cash returned, the ledger the credits taken (a refund beyond the
/// purchased credits returns the fee and takes none).</summary>
public sealed record ReconciliationTotals(
    Money ProviderPaid, Money LedgerPurchased,
    Money ProviderFees, Money LedgerFees,
    Money ProviderRefunded, Money LedgerRefunded,
    Money ProviderDisputed, Money LedgerDisputed,
    Money ProviderDisputesWon, Money LedgerDisputeReversals);

/// <summary>A provider object whose ledger entries are missing or differ from what its events say.</summary>
public sealed record ReconciliationIssue(string Kind, string ObjectId, long? AccountId, string Detail);

/// <summary>A webhook-written ledger entry that no recorded provider event explains.</summary>
public sealed record LedgerOrphan(long EntryId, long AccountId, string Type, Money Amount, string? RefId, string? IdempotencyKey, DateTime CreatedAt);

public sealed record ReconciliationReport(DateTime From, DateTime To, ReconciliationTotals Totals,
    IReadOnlyList<ReconciliationIssue> ProviderWithoutLedger, IReadOnlyList<LedgerOrphan> LedgerWithoutProvider)
{
    public bool Balanced => ProviderWithoutLedger.Count == 0 && LedgerWithoutProvider.Count == 0
        && Totals.ProviderPaid == Totals.LedgerPurchased && Totals.ProviderFees == Totals.LedgerFees;
}

/// <summary>
/// Reconciles the payment provider with the ledger for [from, to): provider objects by their events' creation time,
/// ledger entries by theirs, matched object by object through the keys the handlers derive from the provider's ids.
/// The recorded events are read as neutral facts (<see cref="IPaymentFactReader"/>, the provider's adapter); the
/// arithmetic is here. An object credited near a period boundary can show in one period's provider totals and the
/// next one's ledger totals; the object lists have no such effect.
/// </summary>
public sealed class ReconciliationReports(IDbContextFactory<BillingDbContext> dbFactory, IPaymentFactReader reader)
{
    private sealed record Recorded(PaymentEvent Row, PaymentFact? Fact);

    public async Task<ReconciliationReport> GetAsync(DateTime from, DateTime to, CancellationToken ct = default)
    {
        var provider = reader.Provider;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var events = await db.PaymentEvents.AsNoTracking()
            .Where(e => e.CreatedAt >= from && e.CreatedAt < to)
            .OrderBy(e => e.CreatedAt).ThenBy(e => e.Id)
            .ToListAsync(ct);
        var issues = new List<ReconciliationIssue>();
        var keysByAccount = new Dictionary<long, HashSet<string>>();
        Money paidTotal = Money.Zero, feesTotal = Money.Zero, refundedTotal = Money.Zero, disputedTotal = Money.Zero, wonTotal = Money.Zero;

        foreach (var e in events.Where(e => e.Outcome is PaymentEventOutcomes.Failed or PaymentEventOutcomes.Deferred).GroupBy(e => e.EventId))
        {
            var last = e.Last();
            issues.Add(new("unresolved_event", last.ObjectId ?? last.EventId, last.AccountId, $"{last.Type} event {last.EventId} is {last.Outcome}: {last.Detail}"));
        }
        var processed = events.Where(e => e.Outcome == PaymentEventOutcomes.Processed && e.AccountId is not null && e.ObjectId is not null)
            .Select(e => new Recorded(e, reader.Read(e.Payload))).ToList();

        // Payments: each paid purchase or auto-recharge once. A card setup moved no money and is no payment.
        foreach (var (e, fact) in processed.Where(r => PaymentEventLog.IsCrediting(r.Fact)).Select(r => (r.Row, (PaymentReceived)r.Fact!)).DistinctBy(r => r.Row.ObjectId))
        {
            var paid = Money.FromCents(fact.AmountPaidCents);
            paidTotal += paid;
            var account = e.AccountId!.Value;
            var reference = e.ObjectId!;
            if (fact.Kind == PaymentKind.AutoRecharge)
            {
                await ExpectAsync(db, account, reference, PaymentKeys.AutoRecharge(provider, reference), paid, "auto-recharge", issues, keysByAccount, ct);
                continue;
            }
            var fee = Money.FromCents(fact.FeeCents);
            feesTotal += fee;
            await ExpectAsync(db, account, reference, PaymentKeys.Topup(provider, reference), paid, "topup", issues, keysByAccount, ct);
            if (fee.Units > 0)
                await ExpectAsync(db, account, reference, PaymentKeys.Fee(provider, reference), -fee, "platform fee", issues, keysByAccount, ct);
        }

        // Refunds: the cash refunded of a paid object is cumulative; the period's share is its growth within the period.
        foreach (var paidObject in processed.Where(r => r.Fact is RefundsChanged).GroupBy(r => r.Row.ObjectId!))
        {
            var account = paidObject.First().Row.AccountId!.Value;
            var total = paidObject.Max(r => ((RefundsChanged)r.Fact!).RefundedCents);
            var before = await RefundedBeforeAsync(db, paidObject.Key, from, ct);
            refundedTotal += Money.FromCents(Math.Max(0, total - before));
            var prefix = PaymentKeys.RefundsOf(provider, paidObject.Key);
            var taken = await db.LedgerEntries.AsNoTracking()
                .Where(x => x.AccountId == account && x.Type == EntryTypes.PaymentRefund && x.IdempotencyKey!.StartsWith(prefix))
                .SumAsync(x => (long?)x.Amount, ct) ?? 0;
            var paymentId = paidObject.First().Row.PaymentId;
            var payment = paymentId is null ? null : await CreditedByAsync(db, paymentId, ct);
            if (payment is not null)
            {
                var expected = PaymentPostings.CreditsTakenBy(payment.Credits, Money.Zero, Money.FromCents(total));
                if (expected.Units != -taken)
                    issues.Add(new("refund_mismatch", paidObject.Key, account,
                        $"{paidObject.Key}: {Money.FromCents(total)} refunded should take {expected} of credits; the ledger took {new Money(-taken)}."));
            }
            else if (taken == 0 && total > 0)
                issues.Add(new("refund_not_recorded", paidObject.Key, account, $"{paidObject.Key}: {Money.FromCents(total)} refunded, no ledger entry."));
        }

        // Disputes: the dispute entry for each opened (or closed) dispute; the reversal for each one won.
        foreach (var dispute in processed.Where(r => r.Fact is DisputeChanged).GroupBy(r => r.Row.ObjectId!))
        {
            var account = dispute.First().Row.AccountId!.Value;
            var amount = Money.FromCents(dispute.Max(r => ((DisputeChanged)r.Fact!).AmountCents));
            disputedTotal += amount;
            var taken = await FindAmountAsync(db, account, PaymentKeys.Dispute(provider, dispute.Key), ct);
            if (taken is null)
                issues.Add(new("dispute_not_recorded", dispute.Key, account, $"Dispute {dispute.Key} has no dispute entry."));
            if (!dispute.Any(r => r.Fact is DisputeChanged { Closed: true, State: DisputeState.Won }))
                continue;
            wonTotal += amount;
            var reversal = await FindAmountAsync(db, account, PaymentKeys.DisputeWon(provider, dispute.Key), ct);
            if (reversal is null || (taken is { } t && reversal.Value.Units != -t.Units))
                issues.Add(new("dispute_reversal_missing", dispute.Key, account, $"Dispute {dispute.Key} was won but its credits are not restored."));
        }

        var ledger = await db.LedgerEntries.AsNoTracking()
            .Where(x => x.Source == EntrySources.PaymentWebhook && x.CreatedAt >= from && x.CreatedAt < to)
            .Select(x => new { x.Id, x.AccountId, x.Type, x.Amount, x.RefId, x.IdempotencyKey, x.CreatedAt })
            .ToListAsync(ct);
        long Sum(params string[] types) => ledger.Where(x => types.Contains(x.Type)).Sum(x => x.Amount);

        // The reverse: webhook entries whose provider object no recorded event (of any time) names.
        var objects = ledger.Select(x => PaymentKeys.ReferenceOf(provider, x.IdempotencyKey)).OfType<string>().Distinct().ToList();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in objects.Chunk(500))
            known.UnionWith(await db.PaymentEvents.AsNoTracking().Where(e => e.ObjectId != null && chunk.Contains(e.ObjectId))
                .Select(e => e.ObjectId!).Distinct().ToListAsync(ct));
        var orphans = ledger
            .Where(x => PaymentKeys.ReferenceOf(provider, x.IdempotencyKey) is not { } o || !known.Contains(o))
            .Select(x => new LedgerOrphan(x.Id, x.AccountId, x.Type, new Money(x.Amount), x.RefId, x.IdempotencyKey, x.CreatedAt))
            .ToList();

        var totals = new ReconciliationTotals(
            paidTotal, new Money(Sum([.. EntryCategories.Get(EntryCategory.Purchase).Types])),
            feesTotal, new Money(-Sum(EntryTypes.PlatformFee)),
            refundedTotal, new Money(-Sum(EntryTypes.PaymentRefund)),
            disputedTotal, new Money(-Sum(EntryTypes.Dispute)),
            wonTotal, new Money(Sum(EntryTypes.DisputeReversal)));
        return new ReconciliationReport(from, to, totals, issues, orphans);
    }

    /// <summary>The cash refunded of a paid object as of its last processed refund event before the period.</summary>
    private async Task<long> RefundedBeforeAsync(BillingDbContext db, string objectId, DateTime from, CancellationToken ct)
    {
        var payloads = await db.PaymentEvents.AsNoTracking()
            .Where(e => e.ObjectId == objectId && e.CreatedAt < from && e.Outcome == PaymentEventOutcomes.Processed)
            .Select(e => e.Payload).ToListAsync(ct);
        return payloads.Select(reader.Read).OfType<RefundsChanged>().Select(r => r.RefundedCents).DefaultIfEmpty(0).Max();
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
            issues.Add(new("amount_mismatch", objectId, accountId, $"{objectId}: the {what} entry is {actual}, the provider says {expected}."));
    }

    private static async Task<Money?> FindAmountAsync(BillingDbContext db, long accountId, string key, CancellationToken ct)
    {
        var amount = await db.LedgerEntries.AsNoTracking().Where(x => x.AccountId == accountId && x.IdempotencyKey == key)
            .Select(x => (long?)x.Amount).FirstOrDefaultAsync(ct);
        return amount is { } a ? new Money(a) : null;
    }

    private async Task<CreditedPayment?> CreditedByAsync(BillingDbContext db, string paymentId, CancellationToken ct)
    {
        if (await PaymentEventLog.FindCreditedPaymentAsync(db, paymentId, reader, ct) is not { } recorded)
            return null;
        var p = reader.Provider;
        var account = recorded.AccountId;
        // A purchase is credited as topup + fee, an auto-recharge as one entry: whichever keys the ledger holds.
        if (await FindAmountAsync(db, account, PaymentKeys.Topup(p, recorded.ObjectId), ct) is { } topup)
            return new CreditedPayment(account, recorded.ObjectId, topup, -(await FindAmountAsync(db, account, PaymentKeys.Fee(p, recorded.ObjectId), ct) ?? Money.Zero));
        return await FindAmountAsync(db, account, PaymentKeys.AutoRecharge(p, recorded.ObjectId), ct) is { } recharge
            ? new CreditedPayment(account, recorded.ObjectId, recharge, Money.Zero)
            : null;
    }
}
