using System.Net;
using BillingConsole.Accounting.Alerts;
using MimeKit;

namespace BillingConsole.Web.Alerts;

/// <summary>Writes an outbox email (an alert notice, or an endpoint turned off) as plain text and HTML that name the
/// account, the figure and the link to the alerts page.</summary>
public static class AlertEmails
{
    public static MimeMessage Build(OutboxMessage message, string from, string alertsUrl)
    {
        var (subject, lines) = message.EventType == OutboxDelivery.EndpointDisabledType
            ? EndpointDisabled(EndpointDisabledNotice.FromJson(message.Payload))
            : Alert(AlertNotice.FromJson(message.Payload));
        var link = message.EventType == OutboxDelivery.EndpointDisabledType ? alertsUrl : AlertNotice.FromJson(message.Payload).Data.Url;
        var text = string.Join("\n\n", lines) + $"\n\nSee your alerts: {link}\n";
        var html = string.Concat(lines.Select(l => $"<p>{WebUtility.HtmlEncode(l)}</p>"))
            + $"<p><a href=\"{WebUtility.HtmlEncode(link)}\">See your alerts</a></p>";
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(from));
        mail.To.Add(MailboxAddress.Parse(message.Recipient));
        mail.Subject = subject;
        // The outbox id as Message-Id: a re-sent copy is recognisably the same email.
        mail.MessageId = $"{message.MessageId}@billingconsole";
        mail.Body = new BodyBuilder { TextBody = text, HtmlBody = $"<!DOCTYPE html><html><body>{html}</body></html>" }.ToMessageBody();
        return mail;
    }

    private static (string Subject, string[] Lines) Alert(AlertNotice notice)
    {
        var d = notice.Data;
        var state = d.Transition == AlertTransitions.Resolved ? "Resolved" : "Alert";
        return ($"[{state}] {AlertKinds.Label(d.Kind)}: {d.AccountName}", [d.Message, $"Account: {d.AccountName} (#{d.AccountId})"]);
    }

    private static (string Subject, string[] Lines) EndpointDisabled(EndpointDisabledNotice n) =>
        ($"Webhook endpoint turned off: {n.AccountName}",
            [$"The webhook endpoint {n.Url} of {n.AccountName} was turned off. {n.Reason}", "Alerts are still emailed; add the endpoint again once it answers.",
                $"Account: {n.AccountName} (#{n.AccountId})"]);
}
