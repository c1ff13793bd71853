namespace BillingConsole.Accounting.Alerts;

/// <summary>The figure a rule is judged on now, in its kind's unit, with the sentence that names it.</summary>
/// <param name="Value">Nano-dollars (balance), whole days (runway; <see cref="long.MaxValue"/> with no spending),
/// basis points of the limit (key budget) or of the amount (budget), consecutive failures (auto-recharge).</param>
public sealed record AlertFigure(long Value, string Fired, string Resolved);

/// <summary>
/// The hysteresis rule: a rule fires when its condition is crossed and resolves only when the figure is back past a
/// band beyond the threshold, so a balance hovering at the threshold fires once, not at every wobble.
/// Bands: balance at threshold + 10 %; runway at threshold + 10 % (at least a day); key budget 10 points below the
/// percentage; auto-recharge when the failures are back to zero.
/// </summary>
public static class AlertDecision
{
    public static bool IsCrossed(string kind, long threshold, long value) => kind switch
    {
        AlertKinds.BalanceBelow or AlertKinds.RunwayBelow => value < threshold,
        AlertKinds.KeyBudget or AlertKinds.Budget => value >= threshold * 100,
        AlertKinds.AutoRechargeDeclined => value > 0,
        _ => false,
    };

    public static bool IsCleared(string kind, long threshold, long value) => kind switch
    {
        AlertKinds.BalanceBelow => value >= ClearLevel(kind, threshold),
        AlertKinds.RunwayBelow => value >= ClearLevel(kind, threshold),
        AlertKinds.KeyBudget or AlertKinds.Budget => value < ClearLevel(kind, threshold),
        AlertKinds.AutoRechargeDeclined => value == 0,
        _ => false,
    };

    /// <summary>Where the band ends: the level the figure must reach (balance, runway) or fall under (budget) to clear.</summary>
    public static long ClearLevel(string kind, long threshold) => kind switch
    {
        AlertKinds.BalanceBelow => threshold + threshold / 10,
        AlertKinds.RunwayBelow => threshold + Math.Max(1, threshold / 10),
        AlertKinds.KeyBudget or AlertKinds.Budget => Math.Max(0, threshold - 10) * 100,
        _ => 0,
    };
}
