using BillingConsole.Accounting.Alerts;
using BillingConsole.Web.Alerts;
using BillingConsole.Web.Workers;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class AlertsExtensions
{
    /// <summary>Alert rules and their evaluation, the outbox and its delivery by email (<c>Email:*</c>) and signed
    /// webhooks, and the two workers.</summary>
    public static WebApplicationBuilder AddAlerts(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AlertOptions>().BindConfiguration("Alerts")
            .Validate(o => Uri.TryCreate(o.ConsoleBaseUrl, UriKind.Absolute, out _), "Alerts:ConsoleBaseUrl must be an absolute URL.")
            .Validate(o => o.EvaluationInterval > TimeSpan.Zero && o.DispatchInterval > TimeSpan.Zero, "Alerts intervals must be positive.")
            .ValidateOnStart();
        builder.Services.AddOptions<EmailOptions>().BindConfiguration("Email");
        builder.Services.AddSingleton<AlertRules>();
        builder.Services.AddSingleton<AlertEvaluator>();
        builder.Services.AddSingleton<OutboxDelivery>();
        builder.Services.AddSingleton<WebhookEndpoints>();
        builder.Services.AddSingleton<WebhookSecrets>();
        builder.Services.AddSingleton<SmtpAlertSender>();
        builder.Services.AddSingleton<WebhookAlertSender>();
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddSingleton(sp => new WebhookTargets(
            sp.GetRequiredService<IOptions<AlertOptions>>().Value.AllowPrivateWebhookTargets ?? builder.Environment.IsDevelopment()));
        // No redirects and no proxy: the connect step must dial the address it checked (WebhookTargets).
        builder.Services.AddHttpClient(WebhookAlertSender.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false, UseProxy = false, ConnectCallback = sp.GetRequiredService<WebhookTargets>().ConnectAsync,
            });
        builder.Services.AddPeriodicWorker<AlertEvaluationWorker>();
        builder.Services.AddPeriodicWorker<OutboxDispatchWorker>();
        return builder;
    }
}
