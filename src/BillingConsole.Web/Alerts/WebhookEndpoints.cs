using BillingConsole.Accounting.Alerts;
using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Web.Alerts;

/// <summary>An endpoint as the console lists it (never with its secret).</summary>
public sealed record WebhookEndpointView(long Id, string Url, DateTime CreatedAt, int ConsecutiveFailures, DateTime? DisabledAt, string? DisabledReason);

/// <summary>A delivery as the console lists it, with its attempts.</summary>
public sealed record DeliveryView(long Id, string MessageId, string Channel, string Recipient, string EventType, DateTime CreatedAt, int Attempts,
    int? LastStatus, string? LastError, DateTime? DeliveredAt, bool Dead, DateTime NextAttemptAt);

/// <summary>Owners' webhook endpoints: register (the secret is returned once), rotate the secret, delete; and the
/// account's deliveries (emails and webhooks) with their last outcome.</summary>
public sealed class WebhookEndpoints(IDbContextFactory<BillingDbContext> dbFactory, WebhookSecrets secrets, WebhookTargets targets, TimeProvider clock)
{
    public const int MaxEndpointsPerAccount = 10;

    /// <summary>Registers an endpoint; returns it and its signing secret (shown once), or the refusal.</summary>
    public async Task<(WebhookEndpointView? Endpoint, string? Secret, string? Error)> CreateAsync(long accountId, string? url, string actor, CancellationToken ct = default)
    {
        if (targets.ValidateUrl(url) is { } invalid)
            return (null, null, invalid);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.WebhookEndpoints.CountAsync(e => e.AccountId == accountId && e.DeletedAt == null, ct) >= MaxEndpointsPerAccount)
            return (null, null, $"An account has at most {MaxEndpointsPerAccount} webhook endpoints.");
        var secret = WebhookSecrets.NewSecret();
        var row = new WebhookEndpoint
        {
            AccountId = accountId, Url = url!, ProtectedSecret = secrets.Protect(secret), CreatedAt = clock.GetUtcNow().UtcDateTime, CreatedBy = actor,
        };
        db.WebhookEndpoints.Add(row);
        await db.SaveChangesAsync(ct);
        return (View(row), secret, null);
    }

    /// <summary>A new secret for the endpoint (shown once; the old one stops signing at once), which also turns a
    /// disabled endpoint back on. Null when the account has no such endpoint.</summary>
    public async Task<string?> RotateAsync(long accountId, long endpointId, CancellationToken ct = default)
    {
        var secret = WebhookSecrets.NewSecret();
        var stored = secrets.Protect(secret);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var changed = await db.WebhookEndpoints.Where(e => e.Id == endpointId && e.AccountId == accountId && e.DeletedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.ProtectedSecret, stored).SetProperty(e => e.DisabledAt, (DateTime?)null)
                .SetProperty(e => e.DisabledReason, (string?)null).SetProperty(e => e.ConsecutiveFailures, 0), ct);
        return changed == 1 ? secret : null;
    }

    /// <summary>Deletes the endpoint (kept as a row so its deliveries stay listed); its pending messages are dropped.</summary>
    public async Task<bool> DeleteAsync(long accountId, long endpointId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.WebhookEndpoints.Where(e => e.Id == endpointId && e.AccountId == accountId && e.DeletedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.DeletedAt, now), ct) != 1)
            return false;
        var recipient = endpointId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await db.OutboxMessages.Where(m => m.AccountId == accountId && m.Channel == OutboxChannels.Webhook && m.Recipient == recipient && m.DeliveredAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Dead, true), ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<WebhookEndpointView>> ListAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.WebhookEndpoints.AsNoTracking().Where(e => e.AccountId == accountId && e.DeletedAt == null).OrderBy(e => e.Id).ToListAsync(ct);
        return [.. rows.Select(View)];
    }

    /// <summary>The account's latest deliveries, newest first.</summary>
    public async Task<IReadOnlyList<DeliveryView>> DeliveriesAsync(long accountId, int limit, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.OutboxMessages.AsNoTracking().Where(m => m.AccountId == accountId).OrderByDescending(m => m.Id).Take(limit)
            .Select(m => new DeliveryView(m.Id, m.MessageId, m.Channel, m.Recipient, m.EventType, m.CreatedAt, m.Attempts, m.LastStatus, m.LastError,
                m.DeliveredAt, m.Dead, m.NextAttemptAt))
            .ToListAsync(ct);
    }

    /// <summary>The attempts of one of the account's deliveries, oldest first.</summary>
    public async Task<IReadOnlyList<DeliveryAttempt>> AttemptsAsync(long accountId, long messageId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.DeliveryAttempts.AsNoTracking()
            .Where(a => a.OutboxMessageId == messageId && db.OutboxMessages.Any(m => m.Id == messageId && m.AccountId == accountId))
            .OrderBy(a => a.Id).ToListAsync(ct);
    }

    private static WebhookEndpointView View(WebhookEndpoint e) => new(e.Id, e.Url, e.CreatedAt, e.ConsecutiveFailures, e.DisabledAt, e.DisabledReason);
}
