using System.Diagnostics;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace BillingConsole.Web.Tests.Reliability;

/// <summary>
/// Crash test: the console runs as its own process; clients drive top-ups (signed Stripe webhooks) and metering
/// (reserve, settle one at a time and in batches, release, abandon) over HTTP, retrying every unanswered write with the same key, while the process
/// is killed with SIGKILL at random moments and restarted. Afterwards every acknowledged write exists exactly once, the
/// balance is what the acknowledged answers add up to, no write is partial (invariant checker: zero violations), and
/// the abandoned holds are released by the expiry pass. Group commit is on with a short gathering wait, and enough
/// clients write at once that most commits are groups: a kill lands while a group is written or committed, and no
/// write of a group is acknowledged before its commit returned. Short mode: 5 kills; BILLING_CRASH_KILLS sets the long mode.
/// </summary>
public abstract class CrashTests(ProcessDatabase database)
{
    private const string MeteringToken = "bc_crash_metering_token_0123456789";
    private const string WebhookSecret = "whsec_crash_test_0123456789abcdef";
    // Enough concurrent writers that a commit is nearly always in flight when the next write arrives (group commit).
    private const int Workers = 12;

    private static int Kills => int.TryParse(Environment.GetEnvironmentVariable("BILLING_CRASH_KILLS"), out var k) ? k : 5;

    [Fact]
    public async Task SigkillAtRandomMoments_LosesNoAcknowledgedWrite_AndDoublesNone()
    {
        _ = database.Factory; // skips without the database
        var ct = Xunit.TestContext.Current.CancellationToken;
        using var console = new ConsoleProcess(database.Provider, database.ConnectionString, new Dictionary<string, string>
        {
            ["Demo__MeteringToken"] = MeteringToken,
            ["Stripe__WebhookSecret"] = WebhookSecret,
            ["Ledger__GroupCommit__Enabled"] = "true",
            // Each group gathers for 2 ms, so groups are larger and last longer: more kills land mid-group.
            ["Ledger__GroupCommit__MaxWaitMs"] = "2",
        });
        await console.StartAsync(ct); // migrates the empty database
        var (accountId, keyId) = await CreateCustomerAsync(ct);
        var acked = new AcknowledgedWrites();
        var killing = true;
        var watch = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, Workers)
            .Select(w => Task.Run(() => new RetryingClient(console.BaseAddress, MeteringToken, WebhookSecret, accountId, keyId, w, acked)
                .RunAsync(() => Volatile.Read(ref killing), ct), ct))
            .ToList();

        var random = new Random(42);
        for (var kill = 0; kill < Kills; kill++)
        {
            await Task.Delay(300 + random.Next(1200), ct);
            if (clients.FirstOrDefault(c => c.IsFaulted) is { } failed)
                await failed; // throws the client's failure
            await console.KillAsync();
            await console.StartAsync(ct);
        }
        Volatile.Write(ref killing, false);
        await Task.WhenAll(clients);
        await console.KillAsync();

        await VerifyAsync(accountId, acked, ct);
        Xunit.TestContext.Current.TestOutputHelper?.WriteLine(
            $"crash test on {database.Provider}: {Kills} SIGKILLs in {watch.Elapsed.TotalSeconds:N0} s; acknowledged {acked.TopUps.Count} top-ups, " +
            $"{acked.Holds.Count} holds, {acked.Settled.Count} settles ({acked.Batches} batch requests), {acked.Released.Count} releases, {acked.Abandoned.Count} abandoned; " +
            $"{acked.Retries} retries of unanswered writes ({acked.LostAnswers} lost mid-request), {acked.Refusals} refused for funds, {acked.ServerErrors} server errors; 0 violations");
    }

    /// <summary>An alert decided before a SIGKILL and not yet delivered (its SMTP server was down) is delivered by the
    /// restarted process: the outbox row was written in the transaction that fired the alert.</summary>
    [Fact]
    public async Task Sigkill_WithAnUndeliveredAlertEmail_RestartedConsoleDeliversIt()
    {
        _ = database.Factory; // skips without the database
        var ct = Xunit.TestContext.Current.CancellationToken;
        var smtpPort = Alerts.LoopbackSmtpServer.FreePort();
        using var console = new ConsoleProcess(database.Provider, database.ConnectionString, new Dictionary<string, string>
        {
            ["Email__SmtpHost"] = "127.0.0.1",
            ["Email__SmtpPort"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email__UseTls"] = "false",
            ["Alerts__EvaluationInterval"] = "00:00:00.5",
            ["Alerts__DispatchInterval"] = "00:00:00.5",
        });
        await console.StartAsync(ct);
        var (accountId, _) = await CreateCustomerAsync(ct);
        var owner = $"crash-owner-{Guid.NewGuid():N}@example.test";
        await TestData.CreateUserAsync(database.Factory, owner, Roles.Customer, accountId);
        // A zero balance is below $5: the running console fires it at its next evaluation.
        var (rule, error) = await new Accounting.Alerts.AlertRules(database.Factory, TimeProvider.System)
            .CreateAsync(accountId, new Accounting.Alerts.NewAlertRule(Accounting.Alerts.AlertKinds.BalanceBelow, Money.FromDollars(5).Units, null), owner, ct);
        Assert.True(rule is not null, error);

        async Task<Accounting.Alerts.OutboxMessage?> EmailAsync()
        {
            await using var db = await database.Factory.CreateDbContextAsync(ct);
            return await db.OutboxMessages.AsNoTracking().SingleOrDefaultAsync(m => m.AccountId == accountId, ct);
        }
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await EmailAsync() is not { Attempts: > 0 })
        {
            Assert.True(DateTime.UtcNow < deadline, "the alert was not fired and tried within 90 s:\n" + console.RecentOutput);
            await Task.Delay(100, ct);
        }
        await console.KillAsync();
        var undelivered = await EmailAsync();
        Assert.Null(undelivered!.DeliveredAt);

        await using var smtp = new Alerts.LoopbackSmtpServer(smtpPort);
        await console.StartAsync(ct);
        deadline = DateTime.UtcNow.AddSeconds(90);
        while (await EmailAsync() is not { DeliveredAt: not null })
        {
            Assert.True(DateTime.UtcNow < deadline, "the restarted console did not deliver the alert within 90 s:\n" + console.RecentOutput);
            await Task.Delay(100, ct);
        }
        await console.KillAsync();

        var mail = Assert.Single(smtp.Messages, m => m.To.Mailboxes.Any(a => a.Address == owner));
        Assert.Contains("below your alert level of $5.00", mail.TextBody);
        var delivered = await EmailAsync();
        Assert.Equal(undelivered.MessageId, delivered!.MessageId);
        Assert.True(delivered.Attempts >= 2, $"{delivered.Attempts} attempts");
    }

    private async Task VerifyAsync(long accountId, AcknowledgedWrites acked, CancellationToken ct)
    {
        Assert.Equal(0, acked.ServerErrors);
        Assert.True(acked.Batches > 0, "No settlements:batch request was acknowledged.");
        // The holds left open expire: release them as the expiry worker will once their 15 minutes are up.
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(2));
        var writer = new LedgerWriter(database.Factory, database.Dialect, later);
        while (await writer.ReleaseExpiredAsync(ct: ct) > 0)
        {
        }

        await using var db = await database.Factory.CreateDbContextAsync(ct);
        var entries = await db.LedgerEntries.AsNoTracking().Where(e => e.AccountId == accountId).ToListAsync(ct);
        var holds = await db.Reservations.AsNoTracking().Where(r => r.AccountId == accountId).ToDictionaryAsync(r => r.Id, ct);
        var byKey = entries.Where(e => e.IdempotencyKey != null).GroupBy(e => e.IdempotencyKey!).ToDictionary(g => g.Key, g => g.Count());

        foreach (var (session, _, _) in acked.TopUps)
        {
            Assert.Equal(1, byKey.GetValueOrDefault($"stripe:{session}:topup"));
            Assert.Equal(1, byKey.GetValueOrDefault($"stripe:{session}:fee"));
        }
        Assert.Equal(acked.Holds.Count, holds.Count);
        foreach (var (id, (key, held)) in acked.Holds)
        {
            Assert.Equal(1, byKey.GetValueOrDefault(key));
            Assert.Equal(held.Units, holds[id].Amount);
            Assert.Equal(1, entries.Count(e => e.ReservationId == id && e.Type != EntryTypes.Reservation));
        }
        foreach (var (id, cost) in acked.Settled)
            Assert.True(holds[id].Status == ReservationStatus.Settled && holds[id].Cost == cost.Units, $"hold {id}: {holds[id].Status} at {holds[id].Cost}, acknowledged settled at {cost}");
        Assert.All(acked.Released, id => Assert.Equal(ReservationStatus.Released, holds[id].Status));
        Assert.All(acked.Abandoned, id => Assert.Equal(ReservationStatus.Expired, holds[id].Status));
        Assert.Equal(acked.TopUps.Count * 2 + acked.Holds.Count * 2, entries.Count);

        var expected = acked.TopUps.Sum(t => t.Paid.Units - t.Fee.Units) - acked.Settled.Values.Sum(c => c.Units);
        var balance = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Balance).SingleAsync(ct);
        Assert.Equal(expected, balance);

        var run = await new InvariantChecker(database.Factory, later).RunAsync(InvariantCheckMode.Full, null, ct);
        Assert.True(run.ViolationCount == 0, string.Join("\n", run.Violations.Select(v => $"{v.Kind}: {v.Detail}")));
    }

    private async Task<(long AccountId, long KeyId)> CreateCustomerAsync(CancellationToken ct)
    {
        await using var db = await database.Factory.CreateDbContextAsync(ct);
        var account = new Account { Name = "Crash test", CreatedAt = DateTime.UtcNow };
        db.Accounts.Add(account);
        await db.SaveChangesAsync(ct);
        var secret = $"bc_crash_{Guid.NewGuid():N}";
        var key = new ApiKey { AccountId = account.Id, Name = "crash", Prefix = ApiKey.PrefixOf(secret), SecretHash = ApiKey.Hash(secret), CreatedAt = DateTime.UtcNow };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return (account.Id, key.Id);
    }
}

[Collection(HeavyTestsCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class SqliteCrashTests(SqliteProcessDatabase db) : CrashTests(db), IClassFixture<SqliteProcessDatabase>;

[Collection(HeavyTestsCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class PostgresCrashTests(PostgresProcessDatabase db) : CrashTests(db), IClassFixture<PostgresProcessDatabase>;

[Collection(HeavyTestsCollection.Name)]
[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerCrashTests(SqlServerProcessDatabase db) : CrashTests(db), IClassFixture<SqlServerProcessDatabase>;
