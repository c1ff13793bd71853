using BillingConsole.Accounting.Payments;
using BillingConsole.Web.Api;
using BillingConsole.Web.Payments;
using BillingConsole.Web.Payments.Webhooks;
using BillingConsole.Web.Workers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Stripe;

namespace Microsoft.Extensions.DependencyInjection;

public static class PaymentsExtensions
{
    /// <summary>Credit packages, purchases, refunds, auto-recharge and the Stripe webhook. With <c>Stripe:SecretKey</c>
    /// money moves through Stripe; without it (Development only) purchases and recharges are granted instantly.</summary>
    public static WebApplicationBuilder AddPayments(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PaymentsOptions>().BindConfiguration("Payments").ValidateOnStart();
        services.AddSingleton<IValidateOptions<PaymentsOptions>, PaymentsOptionsValidator>();
        services.AddOptions<StripeOptions>().BindConfiguration("Stripe").ValidateOnStart();
        services.AddSingleton<IValidateOptions<StripeOptions>, StripeOptionsValidator>();

        services.AddSingleton<CreditPackages>();
        services.AddSingleton<PaymentPostings>();
        services.AddSingleton<PaymentAccounts>();
        services.AddSingleton<StripeEventLog>();
        services.AddSingleton<PaymentsService>();
        services.AddSingleton<AutoRechargeControls>();
        services.AddSingleton<ReconciliationReports>();
        services.AddSingleton<Receipts>();

        var stripe = builder.Configuration.GetSection("Stripe").Get<StripeOptions>() ?? new StripeOptions();
        if (stripe.HasSecretKey)
        {
            services.AddSingleton(_ =>
            {
                var options = new StripeClientOptions
                {
                    ApiKey = stripe.SecretKey,
                    HttpClient = new SystemNetHttpClient(new HttpClient { Timeout = TimeSpan.FromSeconds(80) }, stripe.MaxNetworkRetries),
                };
                if (!string.IsNullOrWhiteSpace(stripe.ApiBase))
                    options.ApiBase = stripe.ApiBase.TrimEnd('/');
                return new StripeClient(options);
            });
            services.AddSingleton<IPaymentGateway, StripeGateway>();
        }

        services.AddSingleton<CardSaving>();
        services.AddSingleton<CheckoutCrediting>();
        services.AddSingleton<AutoRechargeCrediting>();
        services.AddSingleton<PaymentLookup>();
        services.AddSingleton<DisputeLedger>();
        services.AddSingleton<IStripeEventHandler, CheckoutSessionCompletedHandler>();
        services.AddSingleton<IStripeEventHandler, CheckoutSessionAsyncPaymentSucceededHandler>();
        services.AddSingleton<IStripeEventHandler, ChargeRefundedHandler>();
        services.AddSingleton<IStripeEventHandler, ChargeDisputeCreatedHandler>();
        services.AddSingleton<IStripeEventHandler, ChargeDisputeClosedHandler>();
        services.AddSingleton<IStripeEventHandler, PaymentIntentSucceededHandler>();
        services.AddSingleton<IStripeEventHandler, PaymentIntentPaymentFailedHandler>();
        services.AddSingleton<StripeWebhookProcessor>();
        // Payments can be hosted without the accounting workers (its own tests do): the meter is registered by either.
        services.TryAddSingleton<WorkerMetrics>();
        services.AddHostedService<AutoRechargeWorker>();
        return builder;
    }

    public static IEndpointRouteBuilder MapPayments(this IEndpointRouteBuilder app)
    {
        app.MapPost(StripeWebhookEndpoint.Path, StripeWebhookEndpoint.ReceiveAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithMetadata(new ApiEndpointMetadata())
            .WithTags("Payments")
            .WithSummary("Stripe events (Stripe-Signature verified)")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        app.MapAutoRechargeApi();
        return app;
    }
}
