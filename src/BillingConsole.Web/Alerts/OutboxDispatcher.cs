using BillingConsole.Accounting.Alerts;

namespace BillingConsole.Web.Alerts;

/// <summary>Sends the due outbox messages (email or webhook) and records each attempt through
/// <see cref="OutboxDelivery"/>, which schedules retries and disables failing endpoints.</summary>
public sealed class OutboxDispatcher(OutboxDelivery delivery, SmtpAlertSender email, WebhookAlertSender webhooks)
{
    public const int BatchSize = 50;

    /// <summary>One pass; returns how many messages it tried.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        var due = await delivery.ClaimDueAsync(BatchSize, ct);
        foreach (var message in due)
        {
            var result = message.Channel == OutboxChannels.Email
                ? await email.SendAsync(message, ct)
                : await webhooks.SendAsync(message, ct);
            await delivery.RecordAsync(message, result, ct);
        }
        return due.Count;
    }
}
