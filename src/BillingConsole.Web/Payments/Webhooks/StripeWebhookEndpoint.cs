using System.Text;
using BillingConsole.Web.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BillingConsole.Web.Payments.Webhooks;

public sealed record WebhookResponse(bool Received, string EventId, string Outcome, string Detail);

/// <summary><c>POST /stripe/webhook</c>: anonymous (Stripe signs instead), raw body verified byte for byte.</summary>
public static class StripeWebhookEndpoint
{
    public const string Path = "/stripe/webhook";
    public const int MaxBytes = 512 * 1024;

    public static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> ReceiveAsync(HttpRequest request, PaymentWebhookProcessor processor,
        CancellationToken ct)
    {
        if (request.ContentLength > MaxBytes)
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The body is larger than {MaxBytes:N0} bytes.");
        string json;
        using (var reader = new StreamReader(request.Body, new UTF8Encoding(false, throwOnInvalidBytes: true)))
        {
            var buffer = new char[16 * 1024];
            var builder = new StringBuilder();
            int read;
            try
            {
                while ((read = await reader.ReadBlockAsync(buffer.AsMemory(), ct)) > 0)
                {
                    builder.Append(buffer, 0, read);
                    if (builder.Length > MaxBytes)
                        return Problems.Create(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The body is larger than {MaxBytes:N0} bytes.");
                }
            }
            catch (DecoderFallbackException)
            {
                return Problems.Invalid("The body is not UTF-8.");
            }
            json = builder.ToString();
        }
        var result = await Diagnostics.WebhookTelemetry.MeasureAsync(() => processor.ProcessAsync(json, request.Headers["Stripe-Signature"].FirstOrDefault(), ct));
        return result.Status == StatusCodes.Status200OK
            ? TypedResults.Ok(new WebhookResponse(true, result.EventId!, result.Outcome!, result.Detail))
            : Problems.Create(result.Status, result.Code, result.Detail);
    }
}
