using BillingConsole.Accounting.Diagnostics;
using BillingConsole.Web.Diagnostics;
using BillingConsole.Web.Workers;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.DependencyInjection;

public static class TelemetryExtensions
{
    /// <summary>The standard OpenTelemetry setting: when set, traces (and metrics) are also pushed over OTLP there.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>OpenTelemetry metrics (ledger, workers, webhooks, open holds, ASP.NET Core's HTTP server) for Prometheus at
    /// <c>/metrics</c> when <c>Metrics:Prometheus:Enabled</c>, and traces of ledger writes and webhooks over OTLP only
    /// when an endpoint is configured. Neither configured: no OpenTelemetry at all.</summary>
    public static WebApplicationBuilder AddConsoleTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PrometheusOptions>().BindConfiguration(PrometheusOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PrometheusOptions>, PrometheusOptionsValidator>();
        builder.Services.AddSingleton<OpenReservationsGauge>();
        var prometheus = (builder.Configuration.GetSection(PrometheusOptions.Section).Get<PrometheusOptions>() ?? new()).IsEnabled(builder.Environment);
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]);
        if (!prometheus && !otlp)
            return builder;
        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(r => r.AddService("BillingConsole"));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(LedgerMetrics.MeterName, WorkerMetrics.MeterName, OpenReservationsGauge.MeterName, WebhookTelemetry.Name,
                "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel");
            if (prometheus)
                metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
            if (otlp)
                metrics.AddOtlpExporter();
        });
        if (otlp)
            telemetry.WithTracing(tracing => tracing.AddSource(LedgerMetrics.MeterName, WebhookTelemetry.Name, "Microsoft.AspNetCore").AddOtlpExporter());
        return builder;
    }

    /// <summary>Logging scopes with the request's account and reservation ids (after authentication, so the account is known).</summary>
    public static WebApplication UseRequestLogScopes(this WebApplication app)
    {
        app.UseMiddleware<RequestLogScope>();
        return app;
    }

    /// <summary>Maps <c>/metrics</c> (when enabled) behind its token. Not behind the console's sign-in: scrapers hold a token,
    /// not a session; keep it off the public internet by a network rule as well (docs/operations.md).</summary>
    public static WebApplication MapConsoleMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<PrometheusOptions>>().Value;
        if (!options.IsEnabled(app.Environment))
            return app;
        app.Services.GetRequiredService<OpenReservationsGauge>(); // creates the gauge before the first scrape
        var token = new MetricsToken(options.Token);
        app.MapPrometheusScrapingEndpoint(PrometheusOptions.Path).AllowAnonymous().Add(token.Guard);
        return app;
    }
}
