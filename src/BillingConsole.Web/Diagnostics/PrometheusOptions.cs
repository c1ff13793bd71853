namespace BillingConsole.Web.Diagnostics;

/// <summary><c>Metrics:Prometheus</c>: the scraping endpoint <c>/metrics</c>.</summary>
public sealed class PrometheusOptions
{
    public const string Section = "Metrics:Prometheus";
    public const string EnabledKey = Section + ":Enabled";
    public const string TokenKey = Section + ":Token";
    public const string Path = "/metrics";

    /// <summary>Serve <c>/metrics</c>. Default: on in Development, off elsewhere.</summary>
    public bool? Enabled { get; set; }

    /// <summary>The bearer token a scraper must send (<c>Authorization: Bearer ...</c>). Required when enabled outside
    /// Development; optional in Development (checked when set).</summary>
    public string? Token { get; set; }

    public bool IsEnabled(IHostEnvironment environment) => Enabled ?? environment.IsDevelopment();
}
