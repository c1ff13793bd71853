namespace BillingConsole.Accounting.Identity;

/// <summary>A member's role in an account. Each role can do everything the next one can.</summary>
public static class AccountRoles
{
    /// <summary>Everything a developer can, plus the team (members, invitations), payment settings and purchases.</summary>
    public const string Owner = "owner";
    /// <summary>Everything a viewer can, plus API keys.</summary>
    public const string Developer = "developer";
    /// <summary>Reads the account: balance, transactions, usage, requests, invoices, audit trail.</summary>
    public const string Viewer = "viewer";

    public static readonly IReadOnlyList<string> All = [Owner, Developer, Viewer];

    public static bool IsValid(string? role) => role is Owner or Developer or Viewer;
}
