using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Web.Tests.Reliability;

/// <summary>
/// Two console processes on one PostgreSQL database, as a load balancer would run them: a browser session and its
/// antiforgery tokens work on either (Data Protection keys in the database), mixed metering traffic is split across
/// both, and each periodic job runs on one instance at a time (worker leases): short-lived holds expire exactly once,
/// each auto-recharge is granted once, the invariant checker finds nothing, and when the instance holding the jobs is
/// killed the other takes them over. Every run is logged with its lease's run number and times; no two overlap.
/// </summary>
[Collection(HeavyTestsCollection.Name)]
[Trait("Speed", "Slow")]
public sealed partial class TwoInstanceTests(PostgresProcessDatabase database) : IClassFixture<PostgresProcessDatabase>
{
    private const string MeteringToken = "bc_two_instances_metering_token_01234";
    private static readonly string[] Jobs = ["HoldExpiry", "InvariantCheck", "AutoRecharge"];
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private ConsoleProcess Console() => new(database.Provider, database.ConnectionString, new Dictionary<string, string>
    {
        ["Demo__MeteringToken"] = MeteringToken,
        ["Workers__HoldExpiryInterval"] = "00:00:02",
        ["Workers__IncrementalCheckInterval"] = "00:00:03",
        ["Workers__FullCheckInterval"] = "00:00:15",
        ["Payments__AutoRechargeInterval"] = "00:00:02",
        // Every run is logged with its lease's run number and times; idle runs at Debug.
        ["Logging__LogLevel__BillingConsole.Web.Workers"] = "Debug",
    })
    { Capture = line => RunLine().IsMatch(line) };

    [Fact]
    public async Task TwoConsoles_OneDatabase_ShareSessionsAndRunEachJobOnOneInstanceAtATime()
    {
        _ = database.Factory; // skips (or fails in CI) without PostgreSQL
        using var a = Console();
        using var b = Console();
        await a.StartAsync(Ct); // migrates the database
        await b.StartAsync(Ct);

        await SessionFromOneInstance_WorksOnTheOther(a, b);

        var customers = await CreateCustomersAsync(8, Money.FromDollars(1_000));
        var recharged = await CreateCustomersAsync(3, Money.FromDollars(10), autoRechargeBelow: Money.FromDollars(10));
        var expiring = new ConcurrentBag<long>();
        await MixedTrafficAsync([a, b], customers.Concat(recharged).ToList(), expiring, TimeSpan.FromSeconds(10));

        // The instance holding the jobs dies mid-flight: the other takes every job over once the leases expire, and
        // finishes a run of each.
        await a.KillAsync();
        await WaitForAsync(() => Task.FromResult(Jobs.All(j => RunsOf(b).Any(r => r.Job == j)) ? "" : null), TimeSpan.FromSeconds(90),
            () => $"b did not take every job over:\n{b.RecentOutput}");
        await WaitForAsync(async () => await OpenHoldsAsync(expiring) == 0 ? "" : null, TimeSpan.FromSeconds(60),
            () => "expired holds were not released");
        await WaitForAsync(async () => (await RechargesAsync(recharged)).All(n => n >= 1) ? "" : null,
            TimeSpan.FromSeconds(60), () => "an auto-recharge did not fire");
        await b.KillAsync();

        await AssertExpiredOnceAsync(expiring);
        Assert.All(await RechargesAsync(recharged), n => Assert.Equal(1, n));
        var run = await new InvariantChecker(database.Factory, TimeProvider.System).RunAsync(InvariantCheckMode.Full, null, Ct);
        Assert.True(run.ViolationCount == 0, string.Join("\n", run.Violations.Select(v => $"{v.Kind}: {v.Detail}")));
        AssertRunsNeverOverlapped([a, b], await LeaseHoldersAsync());
    }

    /// <summary>Signed in on <paramref name="a"/>: the cookie is a session on <paramref name="b"/>, and a form rendered by
    /// <paramref name="a"/> posts to <paramref name="b"/> (its antiforgery token checks out there), while a forged token does not.</summary>
    private async Task SessionFromOneInstance_WorksOnTheOther(ConsoleProcess a, ConsoleProcess b)
    {
        var email = $"two-{Guid.NewGuid():N}@example.test";
        var account = await TestData.CreateAccountAsync(database.Factory);
        await TestData.CreateUserAsync(database.Factory, email, Roles.Customer, account);
        // Cookies are scoped to the host, not the port: one browser talking to both instances behind one name.
        using var browser = await DevSessions.SignInAsync(a.BaseAddress, email);

        using var balance = await browser.GetAsync(new Uri(b.BaseAddress, "/billing/balance"), Ct);
        Assert.Equal(HttpStatusCode.OK, balance.StatusCode);
        Assert.Equal(account, JsonDocument.Parse(await balance.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("account_id").GetInt64());
        using var page = await browser.GetAsync(new Uri(b.BaseAddress, "/billing"), Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        var token = await DevSessions.AntiforgeryTokenAsync(browser, "/billing"); // rendered by a
        using var forged = await browser.PostAsync(new Uri(b.BaseAddress, "/auth/signout"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token[..^4] + "AAAA" }), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var signOut = await browser.PostAsync(new Uri(b.BaseAddress, "/auth/signout"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/signin?signedout=1", signOut.Headers.Location?.OriginalString);
        using var after = await browser.GetAsync(new Uri(a.BaseAddress, "/billing/balance"), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    /// <summary>Clients spread over both instances: reads, holds settled or released on the other instance than the one
    /// that made them, and holds left to expire after one to three seconds.</summary>
    private static async Task MixedTrafficAsync(IReadOnlyList<ConsoleProcess> consoles, List<(string Secret, long KeyId, long AccountId)> customers,
        ConcurrentBag<long> expiring, TimeSpan duration)
    {
        var errors = new ConcurrentQueue<string>();
        var requests = 0;
        var watch = Stopwatch.StartNew();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        async Task<JsonElement?> CallAsync(string op, HttpRequestMessage request)
        {
            try
            {
                using var response = await http.SendAsync(request, Ct);
                var body = await response.Content.ReadAsStringAsync(Ct);
                Interlocked.Increment(ref requests);
                if ((int)response.StatusCode is not (200 or 201 or 402 or 429))
                    errors.Enqueue($"{op} on {request.RequestUri!.Port}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 200)]}");
                return response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.Clone() : null;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                errors.Enqueue($"{op}: {e.GetType().Name} {e.Message}");
                return null;
            }
        }

        async Task ClientAsync(int n)
        {
            var random = new Random(n);
            var (secret, keyId, _) = customers[n % customers.Count];
            while (watch.Elapsed < duration)
            {
                var here = consoles[random.Next(consoles.Count)];
                var there = consoles[random.Next(consoles.Count)];
                var roll = random.Next(100);
                if (roll < 40)
                {
                    var read = new HttpRequestMessage(HttpMethod.Get, new Uri(here.BaseAddress, roll % 2 == 0 ? "/billing/balance" : "/billing/transactions?limit=20"));
                    read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
                    await CallAsync("read", read);
                    continue;
                }
                var ttl = roll < 55 ? random.Next(1, 4) : 600;
                var hold = await CallAsync("reserve", Meter(here, "/v1/meter/reservations",
                    $$"""{"idempotency_key":"two-{{n}}-{{Guid.NewGuid():N}}","api_key_id":{{keyId}},"model":"gpt-4o-mini","max_input_tokens":{{random.Next(100, 3000)}},"max_output_tokens":{{random.Next(10, 800)}},"ttl_seconds":{{ttl}}}"""));
                if (hold?.GetProperty("reservation_id").GetInt64() is not { } id)
                    continue;
                if (ttl < 600)
                    expiring.Add(id);
                else if (random.Next(10) < 8)
                    await CallAsync("settle", Meter(there, $"/v1/meter/reservations/{id}/settle", $$"""{"input_tokens":{{random.Next(0, 3000)}},"output_tokens":{{random.Next(0, 800)}},"status":"success"}"""));
                else
                    await CallAsync("release", Meter(there, $"/v1/meter/reservations/{id}/release", "{}"));
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 16).Select(n => Task.Run(() => ClientAsync(n), Ct)));
        Assert.True(errors.IsEmpty, $"{errors.Count} errors, e.g.:\n{string.Join("\n", errors.Take(10))}");
        Assert.True(requests > 100 && !expiring.IsEmpty, $"too little traffic: {requests} requests, {expiring.Count} expiring holds");
    }

    private static HttpRequestMessage Meter(ConsoleProcess console, string path, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(console.BaseAddress, path)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MeteringToken);
        return request;
    }

    /// <summary>Accounts with credit and one key each; with <paramref name="autoRechargeBelow"/>, auto-recharge of $5 is on
    /// (development mode grants it at once) with a threshold the first hold crosses and the recharge lifts it clear of.</summary>
    private async Task<List<(string Secret, long KeyId, long AccountId)>> CreateCustomersAsync(int count, Money balance, Money? autoRechargeBelow = null)
    {
        await using var db = await database.Factory.CreateDbContextAsync(Ct);
        var accounts = Enumerable.Range(0, count).Select(i => new Account
        {
            Name = $"Two instances {i}",
            CreatedAt = DateTime.UtcNow,
            AutoRechargeEnabled = autoRechargeBelow is not null,
            AutoRechargeThreshold = autoRechargeBelow?.Units,
            AutoRechargeAmount = autoRechargeBelow is null ? null : Money.FromDollars(5).Units,
        }).ToList();
        db.Accounts.AddRange(accounts);
        await db.SaveChangesAsync(Ct);
        var keys = accounts.Select(account =>
        {
            var secret = $"bc_two_{Guid.NewGuid():N}";
            return (Secret: secret, Key: new ApiKey { AccountId = account.Id, Name = "two instances", Prefix = ApiKey.PrefixOf(secret), SecretHash = ApiKey.Hash(secret), CreatedAt = DateTime.UtcNow });
        }).ToList();
        db.ApiKeys.AddRange(keys.Select(k => k.Key));
        await db.SaveChangesAsync(Ct);
        var ledger = new LedgerWriter(database.Factory, database.Dialect, TimeProvider.System);
        foreach (var account in accounts)
            await ledger.PostAsync(new PostRequest(account.Id, EntryTypes.Topup, balance, "Two-instance test credit", new Origin(EntrySources.Admin, "two-instances")), Ct);
        return keys.Select(k => (k.Secret, k.Key.Id, k.Key.AccountId)).ToList();
    }

    private async Task<Dictionary<string, (string Holder, long RunCount)>> LeaseHoldersAsync()
    {
        await using var db = await database.Factory.CreateDbContextAsync(Ct);
        return await db.WorkerLeases.AsNoTracking().ToDictionaryAsync(l => l.Name, l => (l.Holder, l.RunCount), Ct);
    }

    private static List<(string Job, long Number, string Holder, DateTimeOffset Start, DateTimeOffset End)> RunsOf(ConsoleProcess console) =>
        console.Captured.Select(l => RunLine().Match(l)).Where(m => m.Success).Select(m => (
            Job: m.Groups["job"].Value,
            Number: long.Parse(m.Groups["number"].Value, CultureInfo.InvariantCulture),
            Holder: m.Groups["holder"].Value,
            Start: DateTimeOffset.Parse(m.Groups["start"].Value, CultureInfo.InvariantCulture),
            End: DateTimeOffset.Parse(m.Groups["end"].Value, CultureInfo.InvariantCulture))).ToList();

    private async Task<int> OpenHoldsAsync(IEnumerable<long> ids)
    {
        var list = ids.ToList();
        await using var db = await database.Factory.CreateDbContextAsync(Ct);
        return await db.Reservations.CountAsync(r => list.Contains(r.Id) && r.Status == ReservationStatus.Open, Ct);
    }

    private async Task<List<int>> RechargesAsync(List<(string Secret, long KeyId, long AccountId)> customers)
    {
        var ids = customers.Select(c => c.AccountId).ToList();
        await using var db = await database.Factory.CreateDbContextAsync(Ct);
        var counts = await db.LedgerEntries.Where(e => ids.Contains(e.AccountId) && e.Type == EntryTypes.AutoRecharge)
            .GroupBy(e => e.AccountId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, Ct);
        return ids.Select(id => counts.GetValueOrDefault(id)).ToList();
    }

    /// <summary>Every short-lived hold ended as expired with exactly one release entry and nothing else.</summary>
    private async Task AssertExpiredOnceAsync(IEnumerable<long> ids)
    {
        var list = ids.ToList();
        await using var db = await database.Factory.CreateDbContextAsync(Ct);
        var statuses = await db.Reservations.Where(r => list.Contains(r.Id)).Select(r => r.Status).ToListAsync(Ct);
        Assert.Equal(list.Count, statuses.Count);
        Assert.All(statuses, s => Assert.Equal(ReservationStatus.Expired, s));
        var resolutions = await db.LedgerEntries.Where(e => e.ReservationId != null && list.Contains(e.ReservationId.Value) && e.Type != EntryTypes.Reservation)
            .GroupBy(e => new { e.ReservationId, e.Type }).Select(g => new { g.Key.Type, Count = g.Count() }).ToListAsync(Ct);
        Assert.Equal(list.Count, resolutions.Count);
        Assert.All(resolutions, r => Assert.Equal((EntryTypes.Release, 1), (r.Type, r.Count)));
    }

    /// <summary>From both instances' logs: every job ran, each run number once, and no run of a job started before the
    /// previous one (on either instance) had finished; the lease table counted at least every logged run.</summary>
    private static void AssertRunsNeverOverlapped(IReadOnlyList<ConsoleProcess> consoles, Dictionary<string, (string Holder, long RunCount)> leases)
    {
        var output = string.Join("\n", consoles.Select(c => c.RecentOutput));
        var runs = consoles.SelectMany(RunsOf).ToList();
        foreach (var job in Jobs)
        {
            var ofJob = runs.Where(r => r.Job == job).OrderBy(r => r.Start).ToList();
            Assert.True(ofJob.Select(r => r.Holder).Distinct().Count() == 2, $"{job} should have run on both instances: {ofJob.Count} runs\n{output}");
            Assert.Equal(ofJob.Count, ofJob.Select(r => r.Number).Distinct().Count());
            Assert.Equal(ofJob.Select(r => r.Number).Order(), ofJob.Select(r => r.Number)); // numbered in the order they ran
            for (var i = 1; i < ofJob.Count; i++)
                Assert.True(ofJob[i].Start >= ofJob[i - 1].End, $"{job} run {ofJob[i].Number} on {ofJob[i].Holder} started at {ofJob[i].Start:O}, "
                    + $"before run {ofJob[i - 1].Number} on {ofJob[i - 1].Holder} ended at {ofJob[i - 1].End:O}");
            Assert.True(leases[job].RunCount >= ofJob[^1].Number, $"{job}: the lease counted {leases[job].RunCount} runs, the logs show run {ofJob[^1].Number}");
        }
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> failure) where T : class
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (await probe() is { } value)
                return value;
            await Task.Delay(250, Ct);
        }
        throw new TimeoutException(failure());
    }

    [GeneratedRegex(@"(?<job>\w+) run (worked|idle) in \d+ ms: .* \(run (?<number>\d+) on (?<holder>\S+), (?<start>\S+) to (?<end>\S+)\)$")]
    private static partial Regex RunLine();
}
