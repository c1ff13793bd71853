namespace BillingConsole.Accounting.Alerts;

/// <summary>Builds outbox rows; the one place their ids are made.</summary>
public static class Outbox
{
    public static OutboxMessage Message(long accountId, long? alertEventId, string channel, string recipient, string eventType,
        string payload, DateTime now) => new()
    {
        MessageId = NewMessageId(), AccountId = accountId, AlertEventId = alertEventId, Channel = channel, Recipient = recipient,
        EventType = eventType, Payload = payload, CreatedAt = now, NextAttemptAt = now,
    };

    /// <summary>The Standard Webhooks <c>webhook-id</c>: unique per message and kept across its retries.</summary>
    public static string NewMessageId() => "msg_" + Guid.NewGuid().ToString("N");
}
