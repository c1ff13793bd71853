namespace BillingConsole.Accounting.Ledger;

public enum AmountSign { Positive, Negative, Either }

/// <summary>One ledger entry type: its API name, the sign its amount must have, and whether it may take the
/// balance below the account's overdraft floor.</summary>
/// <param name="EnforcesFloor">False for facts that already happened elsewhere (a call that ran, a card refund, a
/// chargeback): the ledger records them even when they overdraw; new spending is then refused until a top-up.</param>
public sealed record EntryTypeRule(string Name, AmountSign Sign, bool EnforcesFloor, string Label);

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
        new(Topup, AmountSign.Positive, true, "Top-up"),
        new(AutoRecharge, AmountSign.Positive, true, "Auto-recharge"),
        new(Bonus, AmountSign.Positive, true, "Bonus"),
        new(ContractGrant, AmountSign.Positive, true, "Contract grant"),
        new(BonusGrant, AmountSign.Positive, true, "Bonus grant"),
        // The fee was paid by card together with its top-up: recording it is never refused, or a purchase into an
        // overdrawn account would land without its fee.
        new(PlatformFee, AmountSign.Negative, false, "Platform fee"),
        new(Reservation, AmountSign.Negative, true, "Reservation"),
        new(Settlement, AmountSign.Either, false, "Settlement"),
        new(Release, AmountSign.Positive, true, "Release"),
        new(UsageDebit, AmountSign.Negative, true, "Usage"),
        new(StorageBilling, AmountSign.Negative, true, "Storage"),
        new(Refund, AmountSign.Positive, true, "Refund"),
        new(PaymentRefund, AmountSign.Negative, false, "Payment refund"),
        new(Dispute, AmountSign.Negative, false, "Dispute"),
        // A chargeback the merchant won: Stripe returns the disputed money, so the credits the dispute took come back.
        new(DisputeReversal, AmountSign.Positive, true, "Dispute reversal"),
        new(AdminCorrection, AmountSign.Either, true, "Correction"),
    ];

    private static readonly Dictionary<string, EntryTypeRule> ByName = All.ToDictionary(r => r.Name, StringComparer.Ordinal);

    public static bool TryGet(string? name, out EntryTypeRule rule) => ByName.TryGetValue(name ?? "", out rule!);

    public static EntryTypeRule Get(string name) => ByName[name];

    /// <summary>Types that only the hold operations write; posting them directly would break hold resolution.</summary>
    public static bool IsHoldType(string name) => name is Reservation or Settlement or Release;
}

public static class EntrySources
{
    public const string Console = "console";
    public const string MeteringApi = "metering_api";
    public const string StripeWebhook = "stripe_webhook";
    public const string Admin = "admin";
    public const string System = "system";

    public static readonly IReadOnlySet<string> All = new HashSet<string>([Console, MeteringApi, StripeWebhook, Admin, System]);
}
