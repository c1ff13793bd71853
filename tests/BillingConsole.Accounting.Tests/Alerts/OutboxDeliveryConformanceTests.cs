using BillingConsole.Accounting.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace BillingConsole.Accounting.Tests.Alerts;

/// <summary>The outbox's bookkeeping on every provider: claims, backoff, giving up after a day, disabling an endpoint
/// after repeated failures (its pending messages die and the owners get an email), and replay.</summary>
public abstract class OutboxDeliveryConformanceTests(LedgerDatabase database)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly LedgerDatabase _db = database;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));

    private OutboxDelivery Delivery => new(_db.Factory, _clock);

    private async Task<(long Account, long Endpoint, string Owner)> SetUpAsync()
    {
        var account = await _db.CreateAccountAsync(name: "Outbox test");
        var owner = $"owner-{Guid.NewGuid():N}@example.test";
        await TestData.CreateUserAsync(_db.Factory, owner, "customer", account);
        await using var db = await _db.Factory.CreateDbContextAsync(Ct);
        var endpoint = new WebhookEndpoint { AccountId = account, Url = "https://hooks.example.test/x", ProtectedSecret = "protected", CreatedBy = owner, CreatedAt = _clock.GetUtcNow().UtcDateTime };
        db.WebhookEndpoints.Add(endpoint);
        await db.SaveChangesAsync(Ct);
        return (account, endpoint.Id, owner);
    }

    private async Task<OutboxMessage> AddAsync(long account, string channel, string recipient)
    {
        await using var db = await _db.Factory.CreateDbContextAsync(Ct);
        var message = Outbox.Message(account, null, channel, recipient, "alert.fired", "{}", _clock.GetUtcNow().UtcDateTime);
        db.OutboxMessages.Add(message);
        await db.SaveChangesAsync(Ct);
        return message;
    }

    private async Task<OutboxMessage> ReadAsync(long id)
    {
        await using var db = await _db.Factory.CreateDbContextAsync(Ct);
        return await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id, Ct);
    }

    [Fact]
    public async Task Claim_ConcurrentDispatchers_TakeEachDueMessageOnce()
    {
        _db.RequireAvailable();
        var (account, endpoint, _) = await SetUpAsync();
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
            ids.Add((await AddAsync(account, OutboxChannels.Webhook, endpoint.ToString(System.Globalization.CultureInfo.InvariantCulture))).Id);

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Delivery.ClaimDueAsync(100, Ct), Ct)));

        var mine = claims.SelectMany(c => c).Where(m => ids.Contains(m.Id)).Select(m => m.Id).ToList();
        Assert.Equal(ids.Order(), mine.Order());
        Assert.Empty(await Delivery.ClaimDueAsync(100, Ct) is var again ? again.Where(m => ids.Contains(m.Id)) : []);
    }

    [Fact]
    public async Task Record_Failures_BackOffExponentiallyAndGiveUpAfterADay()
    {
        _db.RequireAvailable();
        var (account, _, owner) = await SetUpAsync();
        var message = await AddAsync(account, OutboxChannels.Email, owner);
        var gaps = new List<TimeSpan>();
        while (!(await ReadAsync(message.Id)).Dead)
        {
            var before = _clock.GetUtcNow().UtcDateTime;
            await Delivery.RecordAsync(message, DeliveryResult.Failed(null, "connection refused", TimeSpan.Zero), Ct);
            var row = await ReadAsync(message.Id);
            gaps.Add(row.NextAttemptAt - before);
            _clock.SetUtcNow(row.NextAttemptAt);
        }

        Assert.Equal([5, 10, 20, 40, 80], gaps.Take(5).Select(g => (int)g.TotalSeconds));
        Assert.Equal(TimeSpan.FromHours(1), gaps[^2]);
        Assert.InRange(_clock.GetUtcNow().UtcDateTime - message.CreatedAt, TimeSpan.FromHours(23), TimeSpan.FromHours(25));
        var dead = await ReadAsync(message.Id);
        Assert.Equal((gaps.Count, "connection refused"), (dead.Attempts, dead.LastError));
        await using var db = await _db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(gaps.Count, await db.DeliveryAttempts.CountAsync(a => a.OutboxMessageId == message.Id, Ct));
    }

    [Fact]
    public async Task Record_FiveWebhookFailuresInARow_DisableTheEndpointAndEmailTheOwners_ThenReplayIsRefused()
    {
        _db.RequireAvailable();
        var (account, endpoint, owner) = await SetUpAsync();
        var recipient = endpoint.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var first = await AddAsync(account, OutboxChannels.Webhook, recipient);
        var pending = await AddAsync(account, OutboxChannels.Webhook, recipient);

        await Delivery.RecordAsync(first, DeliveryResult.Failed(500, "HTTP 500", TimeSpan.Zero), Ct);
        await Delivery.RecordAsync(first, DeliveryResult.Ok(200, TimeSpan.Zero), Ct);
        for (var i = 0; i < OutboxDelivery.MaxEndpointFailures; i++)
            await Delivery.RecordAsync(pending, DeliveryResult.Failed(503, "HTTP 503", TimeSpan.Zero), Ct);

        await using var db = await _db.Factory.CreateDbContextAsync(Ct);
        var row = await db.WebhookEndpoints.AsNoTracking().SingleAsync(e => e.Id == endpoint, Ct);
        Assert.NotNull(row.DisabledAt);
        Assert.Equal(OutboxDelivery.MaxEndpointFailures, row.ConsecutiveFailures);
        Assert.True((await ReadAsync(pending.Id)).Dead);
        Assert.NotNull((await ReadAsync(first.Id)).DeliveredAt);
        var email = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.AccountId == account && m.Channel == OutboxChannels.Email, Ct);
        Assert.Equal((owner, OutboxDelivery.EndpointDisabledType), (email.Recipient, email.EventType));
        Assert.Contains("hooks.example.test", email.Payload);
        Assert.False(await Delivery.ReplayAsync(account, pending.Id, Ct));
        // An email can be replayed: due again now, not dead.
        Assert.True(await Delivery.ReplayAsync(account, email.Id, Ct));
        Assert.False(await Delivery.ReplayAsync(account + 1000, email.Id, Ct));
    }
}

public sealed class SqliteOutboxDeliveryConformanceTests(SqliteLedgerDatabase db) : OutboxDeliveryConformanceTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresOutboxDeliveryConformanceTests(PostgresLedgerDatabase db) : OutboxDeliveryConformanceTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerOutboxDeliveryConformanceTests(SqlServerLedgerDatabase db) : OutboxDeliveryConformanceTests(db), IClassFixture<SqlServerLedgerDatabase>;
