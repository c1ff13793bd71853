using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Accounting.Teams;

/// <summary>Configuration section <c>Accounts</c>: how people without an account get one.</summary>
public sealed class AccountsOptions
{
    /// <summary>A person who signs in with a verified email, no membership and no invitation gets an account of their
    /// own as its owner. Off by default: they see that they are not linked to a billing account.</summary>
    public bool SelfServeSignUp { get; set; }

    /// <summary>Optional credit (USD) posted once as a <c>bonus</c> entry to each self-served account.</summary>
    public decimal? SignupBonus { get; set; }

    /// <summary>Why the settings are unusable, or null.</summary>
    public string? Check() => SignupBonus is { } bonus && (bonus <= 0 || !Money.TryFromDecimal(bonus, out var m) || m > Money.Max)
        ? "Accounts:SignupBonus must be a positive USD amount with at most 9 decimals."
        : null;
}
