using System.Diagnostics;
using BillingConsole.Accounting.Alerts;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Alerts;

/// <summary>Sends outbox emails through the configured SMTP server (MailKit), one connection per message.</summary>
public sealed class SmtpAlertSender(IOptions<EmailOptions> email, IOptions<AlertOptions> alerts)
{
    public async Task<DeliveryResult> SendAsync(OutboxMessage message, CancellationToken ct)
    {
        var o = email.Value;
        var started = Stopwatch.GetTimestamp();
        if (string.IsNullOrWhiteSpace(o.SmtpHost))
            return DeliveryResult.Failed(null, "Email:SmtpHost is not configured.", TimeSpan.Zero);
        try
        {
            var mail = AlertEmails.Build(message, o.From, alerts.Value.AlertsUrl);
            using var client = new SmtpClient { Timeout = 30_000 };
            var security = !o.UseTls ? SecureSocketOptions.None : o.SmtpPort == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
            await client.ConnectAsync(o.SmtpHost, o.SmtpPort, security, ct);
            if (!string.IsNullOrEmpty(o.SmtpUser))
                await client.AuthenticateAsync(o.SmtpUser, o.SmtpPassword ?? "", ct);
            await client.SendAsync(mail, ct);
            await client.DisconnectAsync(true, ct);
            return DeliveryResult.Ok(null, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The server's words (never the password): a refused recipient, a TLS or authentication failure, a timeout.
            return DeliveryResult.Failed(e is SmtpCommandException s ? (int)s.StatusCode : null, $"{e.GetType().Name}: {e.Message}", Stopwatch.GetElapsedTime(started));
        }
    }
}
