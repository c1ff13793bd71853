using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Accounting.Admin;

/// <summary>The billing admin acting: recorded on every ledger entry and audit row they cause.</summary>
public sealed record AdminActor(long UserId, string Email)
{
    /// <summary>The entry's actor column: the email when it fits, otherwise the user id.</summary>
    public Origin Origin => new(EntrySources.Admin, Email.Length <= LedgerLimits.ActorLength ? Email : $"user:{UserId}");

    public string Name => Email.Length <= 320 ? Email : $"user:{UserId}";
}
