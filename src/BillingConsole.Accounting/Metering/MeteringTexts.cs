using BillingConsole.Accounting.Catalog;

namespace BillingConsole.Accounting.Metering;

/// <summary>The metering policy's small rules and the ledger descriptions they produce, in one place so the bulk demo
/// loader writes exactly what the live path writes.</summary>
public static class MeteringTexts
{
    /// <summary>A failed call that produced nothing is not charged; a failure after output (a broken stream) pays for what it used.</summary>
    public static bool IsCharged(string status, TokenCounts tokens) => !(status == RequestStatus.Error && tokens.Output == 0);

    public static string Hold(CatalogModel model, long maxInput, long maxOutput) =>
        $"Hold for a {model.DisplayName} call: up to {maxInput:N0} input + {maxOutput:N0} output tokens";

    public static string Settled(string status, TokenCounts t, string? errorCode) =>
        status == RequestStatus.Success
            ? $"Call settled: {t.Input:N0} input ({t.Cached:N0} cached) + {t.Output:N0} output tokens"
            : IsCharged(status, t)
                ? $"Call failed ({errorCode ?? "error"}) after {t.Output:N0} output tokens; charged for tokens used"
                : $"Call failed ({errorCode ?? "error"}) before any output; not charged";

    /// <summary>A priced unit's charge cites the resource and the computation: "Volume vol-7: 120 GB-days of Block
    /// storage (SSD) x $0.00297/GB-day = $0.3564".</summary>
    public static string Usage(string? resource, CatalogModel model, Quantity quantity, ModelPrice price, Ledger.Money cost) =>
        $"{(resource is null ? "" : resource + ": ")}{quantity} {Units(model.Unit, quantity)} of {model.DisplayName} x {new Ledger.Money(price.UnitPrice)}/{PriceUnits.Label(model.Unit)} = {cost}";

    /// <summary>"GPU instance i-132: hold for 1 GPU-hour of NVIDIA H100 80GB x $2.691/GPU-hour = $2.691".</summary>
    public static string UnitsHeld(string? resource, CatalogModel model, Quantity quantity, ModelPrice price, Ledger.Money hold) =>
        $"{(resource is null ? "" : resource + ": ")}hold for {quantity} {Units(model.Unit, quantity)} of {model.DisplayName} x {new Ledger.Money(price.UnitPrice)}/{PriceUnits.Label(model.Unit)} = {hold}";

    /// <summary>"Hold 41 settled: 0.75 GPU-hours of NVIDIA H100 80GB x $2.691/GPU-hour = $2.01825".</summary>
    public static string UnitsSettled(long reservationId, CatalogModel model, Quantity used, ModelPrice price, bool charged, string? errorCode) =>
        charged
            ? $"Hold {reservationId} settled: {used} {Units(model.Unit, used)} of {model.DisplayName} x {new Ledger.Money(price.UnitPrice)}/{PriceUnits.Label(model.Unit)} = {new Ledger.Money(Pricing.Cost(used, price))}"
            : $"Hold {reservationId} failed ({errorCode ?? "error"}) before any use; not charged";

    private static string Units(string unit, Quantity quantity) =>
        quantity.Micros == Quantity.MicrosPerUnit ? PriceUnits.Label(unit) : PriceUnits.Plural(unit);

    public static string Released(string? reason) => $"Hold released: {(string.IsNullOrWhiteSpace(reason) ? "call cancelled" : Trim(reason.Trim(), 200))}";

    /// <summary>A settle that arrived after its hold expired: what the call was, charged without the hold.</summary>
    public static string SettledLate(long reservationId, string settled) =>
        Trim($"Late charge for hold {reservationId} (settled after it expired): {settled}", Ledger.LedgerLimits.DescriptionLength)!;

    public static string Expired(long reservationId, DateTime expiresAt) => $"Hold {reservationId} expired unused at {expiresAt:yyyy-MM-dd HH:mm:ss} UTC";

    public static string? Trim(string? text, int max) => text is null ? null : text.Length <= max ? text : text[..max];
}
