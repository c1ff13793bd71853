namespace BillingConsole.Accounting.Ledger;

/// <summary>
/// An account's lifecycle. Suspended refuses new reservations (calls stop) while everything already in flight or owed
/// still lands: settlements, releases, top-ups, refunds. Closed refuses every new write (reserve and post of any type)
/// and stays readable; only an account at a zero balance with no open hold can be closed, and closing is final.
/// </summary>
public static class AccountStatus
{
    public const string Active = "active";
    public const string Suspended = "suspended";
    public const string Closed = "closed";

    public static readonly IReadOnlyList<string> All = [Active, Suspended, Closed];
}
