namespace BillingConsole.Accounting.Alerts;

/// <summary>What one delivery attempt got back: success, an HTTP status (webhooks), or an error message.</summary>
public sealed record DeliveryResult(bool Succeeded, int? Status, string? Error, TimeSpan Duration)
{
    public static DeliveryResult Ok(int? status, TimeSpan duration) => new(true, status, null, duration);

    public static DeliveryResult Failed(int? status, string error, TimeSpan duration) => new(false, status, error, duration);
}
