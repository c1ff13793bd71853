namespace BillingConsole.Accounting.Ledger;

public enum AmountSign { Positive, Negative, Either }

/// <summary>One ledger entry type: its API name, the sign its amount must have, whether it may take the balance below
/// the account's overdraft floor, and what it counts as.</summary>
/// <param name="EnforcesFloor">False for facts that already happened elsewhere (a call that ran, a card refund, a
/// chargeback): the ledger records them even when they overdraw; new spending is then refused until a top-up.</param>
/// <param name="Category">The one category the type counts under (see <see cref="EntryCategories"/>).</param>
/// <param name="IsHold">Written only by reserve, settle and release; posting it directly would break hold resolution.</param>
public sealed record EntryTypeRule(string Name, AmountSign Sign, bool EnforcesFloor, string Label, EntryCategory Category, bool IsHold = false);

public static class EntryTypes
{
    public const string Topup = "topup";
    public const string AutoRecharge = "auto_recharge";
    public const string Bonus = "bonus";
    public const string ContractGrant = "contract_grant";
    public const string BonusGrant = "bonus_grant";
    public const string PlatformFee = "platform_fee";
    public const string Reservation = "reservation";
    public const string Settlement = "settlement";
    public const string Release = "release";
    public const string UsageDebit = "usage_debit";
    public const string StorageBilling = "storage_billing";
    public const string Refund = "refund";
    public const string PaymentRefund = "payment_refund";
    public const string Dispute = "dispute";
    public const string DisputeReversal = "dispute_reversal";
    public const string AdminCorrection = "admin_correction";

    public static readonly IReadOnlyList<EntryTypeRule> All =
    [
        new(Topup, AmountSign.Positive, true, "Top-up", EntryCategory.Purchase),
        new(AutoRecharge, AmountSign.Positive, true, "Auto-recharge", EntryCategory.Purchase),
        new(Bonus, AmountSign.Positive, true, "Bonus", EntryCategory.Grant),
        new(ContractGrant, AmountSign.Positive, true, "Contract grant", EntryCategory.Grant),
        new(BonusGrant, AmountSign.Positive, true, "Bonus grant", EntryCategory.Grant),
        // The fee was paid by card together with its top-up: recording it is never refused, or a purchase into an
        // overdrawn account would land without its fee.
        new(PlatformFee, AmountSign.Negative, false, "Platform fee", EntryCategory.Fee),
        new(Reservation, AmountSign.Negative, true, "Reservation", EntryCategory.Usage, IsHold: true),
        new(Settlement, AmountSign.Either, false, "Settlement", EntryCategory.Usage, IsHold: true),
        new(Release, AmountSign.Positive, true, "Release", EntryCategory.Usage, IsHold: true),
        new(UsageDebit, AmountSign.Negative, true, "Usage", EntryCategory.Usage),
        new(StorageBilling, AmountSign.Negative, true, "Storage", EntryCategory.Storage),
        new(Refund, AmountSign.Positive, true, "Refund", EntryCategory.Refund),
        new(PaymentRefund, AmountSign.Negative, false, "Payment refund", EntryCategory.PaymentRefund),
        new(Dispute, AmountSign.Negative, false, "Dispute", EntryCategory.Dispute),
        // A chargeback the merchant won: the provider returns the disputed money, so the credits the dispute took come back.
        new(DisputeReversal, AmountSign.Positive, true, "Dispute reversal", EntryCategory.DisputeReversal),
        new(AdminCorrection, AmountSign.Either, true, "Correction", EntryCategory.Correction),
    ];

    private static readonly Dictionary<string, EntryTypeRule> ByName = All.ToDictionary(r => r.Name, StringComparer.Ordinal);

    public static bool TryGet(string? name, out EntryTypeRule rule) => ByName.TryGetValue(name ?? "", out rule!);

    public static EntryTypeRule Get(string name) => ByName[name];

    /// <summary>Types that only the hold operations write (<see cref="EntryTypeRule.IsHold"/>).</summary>
    public static bool IsHoldType(string name) => TryGet(name, out var rule) && rule.IsHold;
}

public static class EntrySources
{
    public const string Console = "console";
    public const string MeteringApi = "metering_api";
    /// <summary>A payment provider's webhook (the value predates provider-neutral names and is part of the HTTP contract).</summary>
    public const string PaymentWebhook = "stripe_webhook";
    public const string Admin = "admin";
    public const string System = "system";

    public static readonly IReadOnlySet<string> All = new HashSet<string>([Console, MeteringApi, PaymentWebhook, Admin, System]);
}
