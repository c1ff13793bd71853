using System.Text.Json;

namespace BillingConsole.Accounting.Alerts;

/// <summary>The email to owners when a webhook endpoint was turned off after repeated failures.</summary>
public sealed record EndpointDisabledNotice(long AccountId, string AccountName, long EndpointId, string Url, string Reason)
{
    public string ToJson() => JsonSerializer.Serialize(this, AlertNotice.Json);

    public static EndpointDisabledNotice FromJson(string json) =>
        JsonSerializer.Deserialize<EndpointDisabledNotice>(json, AlertNotice.Json) ?? throw new InvalidOperationException("An empty notice payload.");
}
