using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Accounting.Admin;

/// <summary>An account to create, with an optional opening grant (posted as a <c>contract_grant</c>).</summary>
/// <param name="Key">The request's idempotency key: the same key again returns the account it first created.</param>
public sealed record NewAccountRequest(string Key, string? Name, string? Email, Money OverdraftFloor, Money? OpeningGrant = null,
    string? OpeningGrantReason = null)
{
    public const int MaxKeyLength = 150;
    public const int MaxNameLength = 200;
    public const int MaxEmailLength = 320;

    /// <summary>Every rule, one message each; null when the request is valid.</summary>
    public string? Check()
    {
        if (string.IsNullOrWhiteSpace(Key) || Key.Length > MaxKeyLength)
            return $"idempotency_key is required: 1 to {MaxKeyLength} characters.";
        if (string.IsNullOrWhiteSpace(Name) || Name.Trim().Length > MaxNameLength)
            return $"Give the account a name of 1 to {MaxNameLength} characters.";
        if (string.IsNullOrWhiteSpace(Email) || Email.Trim().Length > MaxEmailLength
            || !MailAddress.TryCreate(Email.Trim(), out var address) || address.Address != Email.Trim())
            return "Give a billing email address such as billing@example.com.";
        if (OverdraftFloor.Units > 0 || OverdraftFloor < -Money.Max)
            return "The overdraft floor is zero or a negative amount down to −$1,000,000,000.";
        if (OpeningGrant is { } grant)
        {
            if (grant.Units <= 0 || grant > Money.Max)
                return "The opening grant is a positive amount up to $1,000,000,000.";
            if (AdminAdjustments.CheckReason(OpeningGrantReason) is { } bad)
                return bad.Replace("Give a reason", "Give the opening grant a reason", StringComparison.Ordinal);
        }
        else if (!string.IsNullOrWhiteSpace(OpeningGrantReason))
            return "An opening grant reason needs an opening grant amount.";
        return null;
    }

    /// <summary>What makes two requests with the same key the same request (SHA-256, hex).</summary>
    public string Fingerprint() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n',
        Name!.Trim(), Email!.Trim(), OverdraftFloor.Units, OpeningGrant?.Units.ToString() ?? "", OpeningGrantReason?.Trim() ?? ""))));
}

/// <summary>An account as the lifecycle operations and the provisioning API show it.</summary>
public sealed record AccountStatusView(long Id, string Name, string? Email, string Status, Money Balance, Money OverdraftFloor,
    DateTime CreatedAt, DateTime? StatusChangedAt);

/// <param name="Replayed">The request's key had already created this account: nothing new was written.</param>
public sealed record CreatedAccount(AccountStatusView Account, bool Replayed);
