namespace BillingConsole.Accounting.Alerts;

/// <summary><c>Alerts:*</c> settings.</summary>
public sealed class AlertOptions
{
    /// <summary>The console's public address, for the links in notices (email and webhook payloads).</summary>
    public string ConsoleBaseUrl { get; set; } = "http://localhost:5000";

    /// <summary>How often the evaluator looks at every rule.</summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the outbox dispatcher sends due messages.</summary>
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether owners' webhook endpoints may be loopback, private or link-local addresses (local receivers and
    /// tests). Unset: only in Development; elsewhere an owner could make the console call services inside its network.</summary>
    public bool? AllowPrivateWebhookTargets { get; set; }

    /// <summary>The console page that lists alerts, linked from every notice.</summary>
    public string AlertsUrl => ConsoleBaseUrl.TrimEnd('/') + "/alerts";
}
