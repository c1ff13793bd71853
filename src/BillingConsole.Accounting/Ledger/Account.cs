using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Ledger;

/// <summary>A prepaid credit account. <see cref="Balance"/> and <see cref="LastSequence"/> are a materialized copy of the
/// ledger, changed only by <see cref="LedgerWriter"/> in the transaction that appends the entry.</summary>
public sealed class Account
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public string? Email { get; set; }
    public string Currency { get; set; } = "USD";
    /// <summary>Nano-dollars; equals the sum of the account's entries.</summary>
    public long Balance { get; set; }
    /// <summary>The lowest balance spending may reach (0, or negative for accounts with credit terms).</summary>
    public long OverdraftFloor { get; set; }
    public long LastSequence { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>The time of the newest entry. The next entry is never dated before it, even when two writers read the
    /// clock in one order and commit in the other, so a month boundary splits the ledger where its sequence does.</summary>
    public DateTime? LastEntryAt { get; set; }
    /// <summary>The customer's own warning level: the console shows a low-balance banner below it (null: no banner).</summary>
    public long? LowBalanceThreshold { get; set; }

    // Lifecycle (Admin/AdminAccounts). The write path's guards read Status in the same statement that moves the balance.
    /// <summary><see cref="AccountStatus"/>: active, suspended (no new reservations) or closed (no new writes at all).</summary>
    public string Status { get; set; } = AccountStatus.Active;
    public DateTime? StatusChangedAt { get; set; }
    /// <summary>The provisioning request that created the account (its idempotency key), unique: a retry finds it.</summary>
    public string? ProvisioningKey { get; set; }
    /// <summary>SHA-256 of that request's fields, so the same key with another body is told apart from a retry.</summary>
    public string? ProvisioningFingerprint { get; set; }

    // Payments (Payments/ feature). None of these moves money; the ledger alone says what was paid and credited.
    /// <summary>The payment provider's customer the account's purchases are made as (created on the first checkout, then reused).</summary>
    public string? PaymentCustomerId { get; set; }
    /// <summary>The saved card that auto-recharge charges off-session.</summary>
    public string? SavedCardId { get; set; }
    public bool AutoRechargeEnabled { get; set; }
    /// <summary>Nano-dollars: a recharge starts when the balance is below this.</summary>
    public long? AutoRechargeThreshold { get; set; }
    /// <summary>Nano-dollars (whole cents): the amount each recharge charges and credits.</summary>
    public long? AutoRechargeAmount { get; set; }
    /// <summary>Nano-dollars: the most auto-recharge may credit in a calendar month (UTC), counted from the ledger; null: no cap.</summary>
    public long? AutoRechargeMonthlyCap { get; set; }
    /// <summary>Why the last attempt failed (auto-recharge was turned off then); cleared when it is turned on again.</summary>
    public string? AutoRechargeFailure { get; set; }
    /// <summary>Attempts started so far; attempt n charges with idempotency key <c>auto-recharge:{id}:{n}</c>.</summary>
    public long AutoRechargeSequence { get; set; }
    /// <summary>When attempt <see cref="AutoRechargeSequence"/> started, while it is unresolved; null when none is in flight.</summary>
    public DateTime? AutoRechargePendingAt { get; set; }
    /// <summary>The saved card as people recognise it (brand and last 4 digits), copied from the provider when it was saved.</summary>
    public string? PaymentMethodBrand { get; set; }
    public string? PaymentMethodLast4 { get; set; }
    /// <summary>Failed attempts in a row; auto-recharge turns itself off at <c>PaymentAccounts.MaxConsecutiveFailures</c>
    /// and a credited recharge resets it.</summary>
    public int AutoRechargeFailures { get; set; }
    /// <summary>The latest attempt: when it started, what it charged (nano-dollars) and how it ended
    /// (<c>AutoRechargeOutcomes</c>); the ledger alone says what was credited.</summary>
    public DateTime? AutoRechargeLastAttemptAt { get; set; }
    public long? AutoRechargeLastAttemptAmount { get; set; }
    public string? AutoRechargeLastOutcome { get; set; }
}

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> b)
    {
        b.Property(a => a.Name).HasMaxLength(200);
        b.Property(a => a.Email).HasMaxLength(320);
        b.Property(a => a.Currency).HasMaxLength(3);
        b.HasIndex(a => a.Email);
        // The columns keep the names they were created with: renaming them would be a migration for a C# name only.
        b.Property(a => a.PaymentCustomerId).HasMaxLength(255).HasColumnName("stripe_customer_id");
        b.Property(a => a.SavedCardId).HasMaxLength(255).HasColumnName("stripe_payment_method_id");
        b.Property(a => a.AutoRechargeFailure).HasMaxLength(500);
        b.Property(a => a.PaymentMethodBrand).HasMaxLength(32);
        b.Property(a => a.PaymentMethodLast4).HasMaxLength(4);
        b.Property(a => a.AutoRechargeLastOutcome).HasMaxLength(16);
        b.Property(a => a.Status).HasMaxLength(10).HasDefaultValue(AccountStatus.Active);
        b.Property(a => a.ProvisioningKey).HasMaxLength(200);
        b.Property(a => a.ProvisioningFingerprint).HasMaxLength(64);
        b.HasIndex(a => a.ProvisioningKey).IsUnique();
        // Last line of defence for rule 3: SQLite silently turns an overflowing integer sum into a float; this check
        // makes such a write fail (and roll back) on every provider. The write path keeps balances within ±$1 billion.
        b.ToTable(t => t.HasCheckConstraint("ck_accounts_balance_range",
            "balance BETWEEN -4000000000000000000 AND 4000000000000000000"));
        b.ToTable(t => t.HasCheckConstraint("ck_accounts_status", "status IN ('active', 'suspended', 'closed')"));
    }
}
