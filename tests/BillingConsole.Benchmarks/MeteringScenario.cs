using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime;
using System.Text.Json;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Api;

namespace BillingConsole.Benchmarks;

/// <summary>
/// Scenario 2: metering over HTTP against the real app on Kestrel. W concurrent gateway clients reserve (each call on
/// the key of one of N funded accounts, picked at random) for the run's
/// duration (reserve latency and rate); then half of the holds are settled one per request and the other half through
/// the batch endpoint, B per request, by the same W clients (settles/s each). Pairs/s = the reserve and settle phases
/// back to back. Then the gateway mix (<see cref="VerifyMix"/>): W clients each verify a customer's secret, reserve and
/// settle, for the same duration (keys:verify latency and the mix's rate). Ends with a full invariant check of the app's database.
/// </summary>
public static class MeteringScenario
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task<BenchReport> RunAsync(BenchOptions o)
    {
        await using var db = await BenchDatabase.CreateAsync(o);
        await using var app = await BenchApp.StartAsync(db, demoRequests: o.Smoke ? 500 : 2_000);
        var customers = new List<VerifyMix.Customer>();
        for (var i = 0; i < o.Accounts; i++)
        {
            var (accountId, keyId, secret) = await app.CreateCustomerAsync(Money.FromDollars(1_000_000));
            customers.Add(new VerifyMix.Customer(accountId, keyId, secret));
        }
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.MeteringToken);
        var report = new BenchReport();
        var loadBefore = MachineLoad.Describe();

        var held = new ConcurrentQueue<long>();
        var warmUp = await Measurements.WarmUpAsync(o,
            async (_, r) => await SettleAsync(client, await ReserveAsync(client, await VerifyMix.VerifyAsync(client, customers[r.Next(customers.Count)]))));
        // The batch path warms up too: timed cold, its code was compiled and tiered up during its own 1.2 s phase (0.3 s
        // of JIT, measured with dotnet-counters), while the single settles it is compared with were already warm.
        var warmUpBatches = await Measurements.WarmUpAsync(o, async (_, r) =>
        {
            var ids = new List<long>();
            for (var i = 0; i < WarmUpBatch; i++)
                ids.Add(await ReserveAsync(client, customers[r.Next(customers.Count)].KeyId));
            await SettleBatchAsync(client, ids);
        });
        var reserve = await Measurements.RunAsync($"reserve, {o.Workers} clients {o.Accounts}a", o.Workers, o.Duration,
            async (_, r) => held.Enqueue(await ReserveAsync(client, customers[r.Next(customers.Count)].KeyId)));
        var singles = new ConcurrentQueue<long>(held.Take(held.Count / 2));
        var batched = new ConcurrentQueue<long>(held.Skip(singles.Count));

        var single = await DrainAsync($"settle single, {o.Workers} clients", o.Workers, singles, 1, async ids => await SettleAsync(client, ids[0]));
        var batch = await DrainAsync($"settle batch of {o.Batch}, {o.Workers} clients", o.Workers, batched, o.Batch, ids => SettleBatchAsync(client, ids));
        var mix = await VerifyMix.RunAsync(client, customers, o.Workers, o.Duration);
        report.Rows.AddRange([reserve, single, batch, mix.Mix, mix.Verify, mix.Reserve, mix.Settle]);
        var profile = await VerifyProfile.RunAsync(app, client, customers, o.Workers, o.Duration, o.Runs * 5);
        report.Rows.AddRange(profile.Rows);
        report.Violations = (await new InvariantChecker(db.Factory, TimeProvider.System).RunAsync(InvariantCheckMode.Full)).ViolationCount;

        report.Print(o.Out);
        double Pairs(Measurements settle) => 1 / (1 / reserve.PerSecond + 1 / settle.PerSecond);
        o.Out.WriteLine($"reserve p99: {reserve.Percentile(99):N1} ms (target <= 25 ms at 20 clients; {reserve.GcSummary}); batch/single settles per second: " +
                        $"{batch.PerSecond / single.PerSecond:N1}x (target >= 5x; JIT during the phases: reserve {reserve.Jit.TotalMilliseconds:N0}, single {single.Jit.TotalMilliseconds:N0}, batch {batch.Jit.TotalMilliseconds:N0} ms); reserve+settle pairs/s: single {Pairs(single):N0}, batch {Pairs(batch):N0}; " +
                        $"violations: {report.Violations}");
        o.Out.WriteLine($"keys:verify p50 / p99 in the mix: {mix.Verify.Percentile(50):N2} / {mix.Verify.Percentile(99):N2} ms (target p99 <= 5 ms at 20 clients); " +
                        $"verify+reserve+settle: {mix.Mix.PerSecond:N0} per second (reserve+settle pairs/s without verify, single settles: {Pairs(single):N0}); " +
                        $"verify p50 / reserve p50 in the mix: {mix.Verify.Percentile(50) / mix.Reserve.Percentile(50):N2}x");
        o.Out.WriteLine(profile.Summary());
        o.Out.WriteLine($"warm-up in rounds of 1 s until JIT under 20 ms a round: verify+reserve+settle {warmUp.Describe()}; batch settles {warmUpBatches.Describe()}");
        o.Out.WriteLine($"durability: {await db.DurabilityAsync()}");
        o.Out.WriteLine($"machine: before the run {loadBefore}; after it {MachineLoad.Describe()}");
        return report;
    }

    internal static async Task<long> ReserveAsync(HttpClient client, long keyId)
    {
        using var response = await client.PostAsJsonAsync("/v1/meter/reservations",
            new ReserveBody(Guid.NewGuid().ToString("N"), keyId, "gpt-4o-mini", 2_000, 500, ["bench"]), Json);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ReserveResponse>(Json))!.ReservationId;
    }

    internal static async Task SettleAsync(HttpClient client, long reservationId)
    {
        var i = Item(reservationId);
        using var response = await client.PostAsJsonAsync($"/v1/meter/reservations/{reservationId}/settle", new SettleBody(i.InputTokens,
            i.OutputTokens, i.CachedTokens, i.Status, null, i.LatencyMs, i.TtfbMs, i.Streaming, i.Provider, null, null), Json);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Holds settled per request in the batch warm-up: enough requests to tier up the batch path's code.</summary>
    private const int WarmUpBatch = 5;

    private static async Task SettleBatchAsync(HttpClient client, List<long> ids)
    {
        using var response = await client.PostAsJsonAsync("/v1/meter/settlements:batch", new BatchSettleBody(ids.Select(id => Item(id)).ToList()), Json);
        response.EnsureSuccessStatusCode();
        var results = await response.Content.ReadFromJsonAsync<List<BatchSettleResult>>(Json);
        if (results is null || results.Count != ids.Count || results.Any(r => r.Status != 200))
            throw new InvalidOperationException("A batch settle item was refused.");
    }

    private static BatchSettleItem Item(long reservationId) =>
        new(reservationId, 1_200, 300, 200, "success", null, 900, 120, true, "openai", null, null);

    /// <summary>W workers take up to <paramref name="take"/> ids at a time until the queue is empty; one latency per request.</summary>
    private static async Task<Measurements> DrainAsync(string name, int workers, ConcurrentQueue<long> queue, int take, Func<List<long>, Task> settle)
    {
        var m = new Measurements(name) { Operations = queue.Count };
        var jitBefore = JitInfo.GetCompilationTime();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            var ids = new List<long>(take);
            while (true)
            {
                ids.Clear();
                while (ids.Count < take && queue.TryDequeue(out var id))
                    ids.Add(id);
                if (ids.Count == 0)
                    return;
                var start = Stopwatch.GetTimestamp();
                await settle(ids);
                m.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })));
        m.Elapsed = watch.Elapsed;
        m.Jit = JitInfo.GetCompilationTime() - jitBefore;
        return m;
    }
}
