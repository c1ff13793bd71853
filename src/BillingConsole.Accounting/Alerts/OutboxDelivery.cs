using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Alerts;

/// <summary>
/// The outbox's bookkeeping (the sending itself is the web app's): claiming due messages, recording each attempt,
/// exponential backoff for up to <see cref="RetryFor"/>, disabling a webhook endpoint after
/// <see cref="MaxEndpointFailures"/> failures in a row (its undelivered messages die with it and the owners get an
/// email), and replaying a message.
/// </summary>
public sealed class OutboxDelivery(IDbContextFactory<BillingDbContext> dbFactory, TimeProvider clock)
{
    public static readonly TimeSpan RetryFor = TimeSpan.FromHours(24);
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxRetryGap = TimeSpan.FromHours(1);
    /// <summary>How long a claimed message is held by its sender: another dispatcher may take it after that (a crash
    /// mid-send), which is why delivery is at least once.</summary>
    public static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(2);
    public const int MaxEndpointFailures = 5;
    public const string EndpointDisabledType = "endpoint.disabled";

    /// <summary>The wait before attempt <paramref name="attempts"/> + 1: 5 s doubling, at most an hour.</summary>
    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromTicks(Math.Min(MaxRetryGap.Ticks, FirstRetry.Ticks << Math.Min(attempts - 1, 20)));

    /// <summary>Claims up to <paramref name="max"/> due messages. Each claim is a conditional UPDATE of its due time,
    /// so concurrent dispatchers never take the same message while the claim lasts.</summary>
    public async Task<IReadOnlyList<OutboxMessage>> ClaimDueAsync(int max, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var due = await db.OutboxMessages.AsNoTracking().Where(m => m.DeliveredAt == null && !m.Dead && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id).Take(max).ToListAsync(ct);
        var claimed = new List<OutboxMessage>(due.Count);
        var until = now + ClaimFor;
        foreach (var m in due)
        {
            var seen = m.NextAttemptAt;
            if (await db.OutboxMessages.Where(x => x.Id == m.Id && x.NextAttemptAt == seen && x.DeliveredAt == null && !x.Dead)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.NextAttemptAt, until), ct) == 1)
                claimed.Add(m);
        }
        return claimed;
    }

    /// <summary>Records an attempt and schedules the next one (or gives up); for a webhook, counts the endpoint's
    /// failures in a row and disables it at <see cref="MaxEndpointFailures"/>.</summary>
    public async Task RecordAsync(OutboxMessage message, DeliveryResult result, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var attempts = await db.OutboxMessages.Where(m => m.Id == message.Id).Select(m => m.Attempts).SingleAsync(ct) + 1;
        db.DeliveryAttempts.Add(new DeliveryAttempt
        {
            OutboxMessageId = message.Id, AttemptedAt = now, Succeeded = result.Succeeded, Status = result.Status,
            Error = Truncate(result.Error), DurationMs = (int)Math.Min(int.MaxValue, result.Duration.TotalMilliseconds),
        });
        await db.SaveChangesAsync(ct);
        var error = Truncate(result.Error);
        if (result.Succeeded)
            await db.OutboxMessages.Where(m => m.Id == message.Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Attempts, attempts).SetProperty(m => m.LastStatus, result.Status).SetProperty(m => m.LastError, (string?)null)
                .SetProperty(m => m.DeliveredAt, now), ct);
        else
        {
            var next = now + Backoff(attempts);
            var dead = next - message.CreatedAt > RetryFor;
            await db.OutboxMessages.Where(m => m.Id == message.Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Attempts, attempts).SetProperty(m => m.LastStatus, result.Status).SetProperty(m => m.LastError, error)
                .SetProperty(m => m.NextAttemptAt, next).SetProperty(m => m.Dead, dead), ct);
        }
        if (message.Channel == OutboxChannels.Webhook && long.TryParse(message.Recipient, out var endpointId))
            await CountEndpointAsync(db, message.AccountId, endpointId, result.Succeeded, now, ct);
        await tx.CommitAsync(ct);
    }

    private static async Task CountEndpointAsync(BillingDbContext db, long accountId, long endpointId, bool succeeded, DateTime now, CancellationToken ct)
    {
        if (succeeded)
        {
            await db.WebhookEndpoints.Where(e => e.Id == endpointId).ExecuteUpdateAsync(s => s.SetProperty(e => e.ConsecutiveFailures, 0), ct);
            return;
        }
        await db.WebhookEndpoints.Where(e => e.Id == endpointId).ExecuteUpdateAsync(s => s.SetProperty(e => e.ConsecutiveFailures, e => e.ConsecutiveFailures + 1), ct);
        var reason = $"Turned off after {MaxEndpointFailures} failed deliveries in a row.";
        // Only the attempt that crosses the limit disables it (and emails once).
        var disabled = await db.WebhookEndpoints
            .Where(e => e.Id == endpointId && e.DisabledAt == null && e.ConsecutiveFailures >= MaxEndpointFailures)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.DisabledAt, now).SetProperty(e => e.DisabledReason, reason), ct);
        if (disabled != 1)
            return;
        var recipient = endpointId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await db.OutboxMessages.Where(m => m.Channel == OutboxChannels.Webhook && m.Recipient == recipient && m.DeliveredAt == null && !m.Dead)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Dead, true), ct);
        var url = await db.WebhookEndpoints.Where(e => e.Id == endpointId).Select(e => e.Url).SingleAsync(ct);
        var name = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Name).SingleAsync(ct);
        var payload = new EndpointDisabledNotice(accountId, name, endpointId, url, reason).ToJson();
        var owners = await db.AccountMembers.Where(m => m.AccountId == accountId && m.Role == AccountRoles.Owner)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u.Email).Distinct().ToListAsync(ct);
        foreach (var email in owners)
            db.OutboxMessages.Add(Outbox.Message(accountId, null, OutboxChannels.Email, email, EndpointDisabledType, payload, now));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Makes a message due now again (delivered or dead included: the receiver dedupes on its id). False
    /// when the account has no such message, or its webhook endpoint is disabled or deleted.</summary>
    public async Task<bool> ReplayAsync(long accountId, long messageId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var message = await db.OutboxMessages.AsNoTracking().Where(m => m.Id == messageId && m.AccountId == accountId)
            .Select(m => new { m.Channel, m.Recipient }).FirstOrDefaultAsync(ct);
        if (message is null)
            return false;
        if (message.Channel == OutboxChannels.Webhook && long.TryParse(message.Recipient, out var endpointId)
            && !await db.WebhookEndpoints.AnyAsync(e => e.Id == endpointId && e.DisabledAt == null && e.DeletedAt == null, ct))
            return false;
        // A replay gets a fresh day of retries.
        return await db.OutboxMessages.Where(m => m.Id == messageId).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.DeliveredAt, (DateTime?)null).SetProperty(m => m.Dead, false).SetProperty(m => m.NextAttemptAt, now)
            .SetProperty(m => m.CreatedAt, now), ct) == 1;
    }

    private static string? Truncate(string? text) => text is { Length: > 1000 } ? text[..1000] : text;
}
