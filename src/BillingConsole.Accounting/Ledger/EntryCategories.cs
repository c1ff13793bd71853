namespace BillingConsole.Accounting.Ledger;

/// <summary>What an entry type counts as. Every type is in exactly one category, so the categories partition a month's
/// movements: a statement's headline figures add up to its closing balance with nothing left over.</summary>
public enum EntryCategory
{
    Purchase,
    Fee,
    Usage,
    Storage,
    Refund,
    Correction,
    Grant,
    PaymentRefund,
    Dispute,
    DisputeReversal,
}

/// <summary>Which way a category moves the customer's money, for how the console colours it.</summary>
public enum CategoryKind
{
    /// <summary>Credits added: purchases, grants, refunds, a chargeback won.</summary>
    Credit,

    /// <summary>What the account was charged: fees, usage, storage.</summary>
    Charge,

    /// <summary>Purchased credits taken back with the card money (card refunds, chargebacks).</summary>
    Clawback,

    /// <summary>Manual adjustments, either sign.</summary>
    Adjustment,
}

/// <summary>One category: the invoice field that sums it and how that field is signed.</summary>
/// <param name="Field">The invoice's headline field (snake_case, as in the JSON and CSV).</param>
/// <param name="ReportedAsCharge">True for <c>fees</c> and <c>credits_used</c>, which the contract reports as what was
/// charged (−Σ, positive when the balance went down); every other field is Σ, signed as it moved the balance.</param>
/// <param name="IsSpend">Counts as spending: the summary's <c>total_cost</c> and the runway.</param>
/// <param name="Description">What the figure holds, for people (the invoice page and CSV).</param>
public sealed record EntryCategoryRule(EntryCategory Category, string Field, string Label, string Description, CategoryKind Kind,
    bool ReportedAsCharge, bool IsSpend)
{
    /// <summary>The entry types in this category, in <see cref="EntryTypes.All"/> order.</summary>
    public IReadOnlyList<string> Types { get; } = [.. EntryTypes.All.Where(t => t.Category == Category).Select(t => t.Name)];

    /// <summary>The headline figure for a movement of the balance <paramref name="moved"/> (Σ of the category's entries).</summary>
    public Money Figure(Money moved) => ReportedAsCharge ? -moved : moved;

    /// <summary>The movement of the balance a headline figure stands for (the inverse of <see cref="Figure"/>).</summary>
    public Money Movement(Money figure) => ReportedAsCharge ? -figure : figure;
}

/// <summary>
/// The one table of entry categories: what counts as a purchase, a fee, usage, storage, a refund, a correction, a grant,
/// a card refund, a dispute and a dispute reversal, and what counts as spending and as a hold. Statements, the monthly
/// summary's total cost, the runway and the console's type colours all read it.
/// </summary>
public static class EntryCategories
{
    /// <summary>In the order an invoice reads them, from the opening balance to the closing one.</summary>
    public static readonly IReadOnlyList<EntryCategoryRule> All =
    [
        new(EntryCategory.Purchase, "purchased", "Purchased", "Top-ups and auto-recharges", CategoryKind.Credit, false, false),
        new(EntryCategory.Fee, "fees", "Fees", "Platform fees on purchases", CategoryKind.Charge, true, false),
        new(EntryCategory.Usage, "credits_used", "Credits used", "API usage; calls still running count at their hold", CategoryKind.Charge, true, true),
        new(EntryCategory.Storage, "storage", "Storage", "Daily storage charges", CategoryKind.Charge, false, true),
        new(EntryCategory.Refund, "refunds", "Refunds", "Credits returned to you", CategoryKind.Credit, false, false),
        new(EntryCategory.Correction, "corrections", "Corrections", "Adjustments by our billing team", CategoryKind.Adjustment, false, false),
        new(EntryCategory.Grant, "grants", "Grants", "Bonuses and contract grants", CategoryKind.Credit, false, false),
        new(EntryCategory.PaymentRefund, "payment_refunds", "Payment refunds", "Purchases refunded to your card", CategoryKind.Clawback, false, false),
        new(EntryCategory.Dispute, "disputes", "Disputes", "Purchases charged back by your card issuer", CategoryKind.Clawback, false, false),
        new(EntryCategory.DisputeReversal, "dispute_reversals", "Dispute reversals", "Credits restored when a chargeback was reversed",
            CategoryKind.Credit, false, false),
    ];

    private static readonly Dictionary<EntryCategory, EntryCategoryRule> ByCategory = All.ToDictionary(c => c.Category);

    public static EntryCategoryRule Get(EntryCategory category) => ByCategory[category];

    /// <summary>The category of an entry type; null for a name that is not an entry type.</summary>
    public static EntryCategoryRule? Of(string type) => EntryTypes.TryGet(type, out var rule) ? ByCategory[rule.Category] : null;

    /// <summary>Types whose entries are spending (usage and storage): −Σ of them is a month's total cost.</summary>
    public static readonly IReadOnlyList<string> SpendTypes = [.. All.Where(c => c.IsSpend).SelectMany(c => c.Types)];

    /// <summary>Spending posted without a hold (usage debits, storage): metered calls are counted from their settlements
    /// instead, so an estimate from settled costs adds only these.</summary>
    public static readonly IReadOnlyList<string> SpendWithoutHoldTypes = [.. SpendTypes.Where(t => !EntryTypes.Get(t).IsHold)];
}
