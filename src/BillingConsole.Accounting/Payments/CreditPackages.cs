using BillingConsole.Accounting.Ledger;
using Microsoft.Extensions.Options;

namespace BillingConsole.Accounting.Payments;

/// <summary><c>Payments</c> configuration: the credit packages customers can buy, and the auto-recharge worker's pace.</summary>
public sealed class PaymentsOptions
{
    public List<CreditPackage> Packages { get; set; } = [];

    /// <summary>How often the auto-recharge worker looks for accounts below their threshold.</summary>
    public TimeSpan AutoRechargeInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An attempt still unconfirmed after this long is sent to the provider again with the same idempotency key.</summary>
    public TimeSpan AutoRechargeRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After a failed recharge the next attempt waits this long, so a declined card is not charged every tick.</summary>
    public TimeSpan AutoRechargeFailureBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The amounts a customer may buy next to the packages, and recharge by.</summary>
    public CustomAmountOptions CustomAmount { get; set; } = new();
}

/// <summary><c>Payments:CustomAmount</c>: bounds in USD (whole cents) and the fee, like a package's.</summary>
public sealed class CustomAmountOptions
{
    public decimal Min { get; set; } = 5;
    public decimal Max { get; set; } = 10_000;
    public decimal? FeePercent { get; set; } = 5;
}

/// <summary>One package as configured: <see cref="Credits"/> USD of credits, plus a fee of <see cref="FeePercent"/>
/// percent of the credits or a <see cref="FixedFee"/> in USD (or neither: no fee).</summary>
public sealed class CreditPackage
{
    public string Id { get; set; } = "";
    public string? Name { get; set; }
    public decimal Credits { get; set; }
    public decimal? FeePercent { get; set; }
    public decimal? FixedFee { get; set; }
}

/// <summary>A package priced in whole cents, as the provider charges it. The customer pays <see cref="Total"/> =
/// <see cref="Credits"/> + <see cref="Fee"/>; the ledger records topup = Total and platform_fee = −Fee, so the balance
/// grows by exactly <see cref="Credits"/> and the top-ups add up to what was paid.</summary>
public sealed record PackageQuote(string Id, string Name, long CreditsCents, long FeeCents, string FeeLabel)
{
    public long TotalCents => CreditsCents + FeeCents;
    public Money Credits => Money.FromCents(CreditsCents);
    public Money Fee => Money.FromCents(FeeCents);
    public Money Total => Money.FromCents(TotalCents);
}

/// <summary>The configured packages, priced once. Fee rule: percent × credits, rounded half away from zero to a whole
/// cent (the provider charges cents); a fixed fee must already be whole cents.</summary>
public sealed class CreditPackages(IOptions<PaymentsOptions> options)
{
    public const long MinCreditsCents = 100;
    public const long MaxCreditsCents = 100_000_000; // $1,000,000 per purchase

    private readonly Lazy<IReadOnlyList<PackageQuote>> _quotes = new(() => options.Value.Packages.Select(Quote).ToList());

    public IReadOnlyList<PackageQuote> All => _quotes.Value;

    public PackageQuote? Find(string? id) => All.FirstOrDefault(q => string.Equals(q.Id, id, StringComparison.Ordinal));

    /// <summary>The package id of a custom amount (no configured package may use it).</summary>
    public const string CustomId = "custom";

    public Money CustomMin => Money.FromCents(ToCents(options.Value.CustomAmount.Min) ?? MinCreditsCents);
    public Money CustomMax => Money.FromCents(ToCents(options.Value.CustomAmount.Max) ?? MaxCreditsCents);

    /// <summary>Why <paramref name="amount"/> is not a custom amount (whole cents within the configured bounds), or null.</summary>
    public string? CustomAmountProblem(Money amount) =>
        amount.Units % Money.FromCents(1).Units != 0 || amount < CustomMin || amount > CustomMax
            ? $"Choose an amount in whole cents from {CustomMin} to {CustomMax}."
            : null;

    /// <summary>A custom amount priced by the package rule with <c>Payments:CustomAmount:FeePercent</c>; null when out of bounds.</summary>
    public PackageQuote? QuoteCustom(Money amount) =>
        CustomAmountProblem(amount) is null
            ? Quote(new CreditPackage { Id = CustomId, Name = "Custom amount", Credits = amount.ToDecimal(), FeePercent = options.Value.CustomAmount.FeePercent })
            : null;

    public static PackageQuote Quote(CreditPackage p)
    {
        var credits = ToCents(p.Credits) ?? throw new InvalidOperationException($"Package '{p.Id}': credits must be whole cents.");
        long fee;
        string label;
        if (p.FeePercent is { } percent)
        {
            fee = (long)Math.Round(credits * percent / 100m, MidpointRounding.AwayFromZero);
            label = $"{percent.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}% fee";
        }
        else if (p.FixedFee is { } fixedFee)
        {
            fee = ToCents(fixedFee) ?? throw new InvalidOperationException($"Package '{p.Id}': the fixed fee must be whole cents.");
            label = fee == 0 ? "no fee" : $"{Money.FromCents(fee)} fee";
        }
        else
        {
            fee = 0;
            label = "no fee";
        }
        return new PackageQuote(p.Id, string.IsNullOrWhiteSpace(p.Name) ? p.Id : p.Name.Trim(), credits, fee, label);
    }

    /// <summary>Every problem with the configured packages, for start-up validation; empty when they are fine.</summary>
    public static IReadOnlyList<string> Problems(PaymentsOptions o)
    {
        var problems = new List<string>();
        if (o.Packages.Count == 0)
            problems.Add("Payments:Packages lists no credit package.");
        var custom = o.CustomAmount;
        if (ToCents(custom.Min) is not { } min || ToCents(custom.Max) is not { } max || min < MinCreditsCents || max > MaxCreditsCents || min > max)
            problems.Add("Payments:CustomAmount: Min and Max must be whole cents from $1.00 to $1,000,000.00, Min at most Max.");
        if (custom.FeePercent is < 0 or >= 100)
            problems.Add("Payments:CustomAmount:FeePercent must be from 0 up to (not including) 100.");
        if (o.Packages.Any(p => p.Id == CustomId))
            problems.Add($"Package id '{CustomId}' is reserved for custom amounts.");
        foreach (var group in o.Packages.GroupBy(p => p.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
            problems.Add($"Package id '{group.Key}' is used more than once.");
        foreach (var p in o.Packages)
        {
            var name = $"Package '{p.Id}'";
            if (string.IsNullOrWhiteSpace(p.Id) || p.Id.Length > 64 || !p.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                problems.Add($"{name}: the id must be 1 to 64 letters, digits, '-' or '_'.");
            if (ToCents(p.Credits) is not { } credits || credits < MinCreditsCents || credits > MaxCreditsCents)
                problems.Add($"{name}: credits must be whole cents from $1.00 to $1,000,000.00.");
            if (p.FeePercent is not null && p.FixedFee is not null)
                problems.Add($"{name}: set FeePercent or FixedFee, not both.");
            if (p.FeePercent is < 0 or >= 100)
                problems.Add($"{name}: FeePercent must be from 0 up to (not including) 100.");
            if (p.FixedFee is { } f && (ToCents(f) is not { } cents || cents < 0 || cents > MaxCreditsCents))
                problems.Add($"{name}: FixedFee must be whole cents, at least 0.");
        }
        return problems;
    }

    private static long? ToCents(decimal dollars)
    {
        var cents = dollars * 100m;
        return cents == decimal.Truncate(cents) && cents is >= long.MinValue / 2 and <= long.MaxValue / 2 ? (long)cents : null;
    }
}

/// <summary>Refuses to start with a broken package list, naming every problem.</summary>
public sealed class PaymentsOptionsValidator : IValidateOptions<PaymentsOptions>
{
    public ValidateOptionsResult Validate(string? name, PaymentsOptions options) =>
        CreditPackages.Problems(options) is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
