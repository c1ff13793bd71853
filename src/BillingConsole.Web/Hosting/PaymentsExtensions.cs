using BillingConsole.Accounting.Payments;
using BillingConsole.Web.Api;
using BillingConsole.Web.Payments;
using BillingConsole.Web.Payments.Webhooks;
using BillingConsole.Web.Workers;
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
        services.AddSingleton<PaymentEventLog>();
        services.AddSingleton<PaymentsService>();
        services.AddSingleton<AutoRechargeControls>();
        services.AddSingleton<ReconciliationReports>();
        services.AddSingleton<Receipts>();

        // The one gateway: Stripe with a secret key, else development mode (instant grants). Events are Stripe's either
        // way (verified with the webhook secret alone), and the engine reads its event log through the same parser.
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
        else
            services.AddSingleton<IPaymentGateway, DevelopmentPaymentGateway>();
        services.AddSingleton<StripePaymentEvents>();
        services.AddSingleton<IPaymentEvents>(sp => sp.GetRequiredService<StripePaymentEvents>());
        services.AddSingleton<IPaymentFactReader>(sp => sp.GetRequiredService<StripePaymentEvents>());

        services.AddSingleton<CardSaving>();
        services.AddSingleton<PurchaseCrediting>();
        services.AddSingleton<AutoRechargeCrediting>();
        services.AddSingleton<PaymentLookup>();
        services.AddSingleton<RefundRecording>();
        services.AddSingleton<DisputeLedger>();
        services.AddSingleton<PaymentWebhookProcessor>();
        services.AddPeriodicWorker<AutoRechargeWorker>();
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
