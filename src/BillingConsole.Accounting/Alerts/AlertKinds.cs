namespace BillingConsole.Accounting.Alerts;

/// <summary>
/// What an alert rule watches. A rule is a kind plus two parameters: <see cref="AlertRule.Threshold"/> (money in
/// nano-dollars, days or a percentage, per kind) and an optional <see cref="AlertRule.SubjectId"/> (the key of a
/// <see cref="KeyBudget"/> rule, the budget of a <see cref="Budget"/> rule).
/// </summary>
public static class AlertKinds
{
    /// <summary>The balance is below Threshold (nano-dollars); clears at Threshold + 10 %.</summary>
    public const string BalanceBelow = "balance_below";
    /// <summary>A key's committed spend this month reached Threshold % of its monthly limit (SubjectId = the key);
    /// clears 10 points below, or when a new month starts the counter again.</summary>
    public const string KeyBudget = "key_budget";
    /// <summary>At the last 7 days' rate the balance lasts fewer than Threshold days; clears at Threshold + 10 %.</summary>
    public const string RunwayBelow = "runway_below";
    /// <summary>An auto-recharge was declined (the account's consecutive failures went above 0); clears when a
    /// recharge succeeds.</summary>
    public const string AutoRechargeDeclined = "auto_recharge_declined";
    /// <summary>A chargeback was recorded (a new <c>dispute</c> entry). Fires once per dispute; a dispute is a fact,
    /// so there is no resolved notice (a won dispute shows as its own <c>dispute_reversal</c> entry).</summary>
    public const string DisputeOpened = "dispute_opened";
    /// <summary>An account or key budget's current period reached Threshold % of its amount (SubjectId = the budget);
    /// clears 10 points below, or when a new period starts the counter again.</summary>
    public const string Budget = "budget";

    public static readonly IReadOnlyList<string> All = [BalanceBelow, KeyBudget, RunwayBelow, AutoRechargeDeclined, DisputeOpened, Budget];

    /// <summary>A short label for lists and emails.</summary>
    public static string Label(string kind) => kind switch
    {
        BalanceBelow => "Balance below",
        KeyBudget => "Key budget",
        RunwayBelow => "Runway under",
        AutoRechargeDeclined => "Auto-recharge declined",
        DisputeOpened => "Dispute opened",
        Budget => "Budget",
        _ => kind,
    };
}
