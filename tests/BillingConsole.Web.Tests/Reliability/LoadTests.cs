using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Web.Tests.Reliability;

/// <summary>
/// Load: 100 concurrent clients against the console (its own process, SQLite) mixing customer reads (balance,
/// transactions, summary, usage) with metered writes (reserve, then settle or release). Every answer is a success, a
/// 402 (no credit left) or a 429 (a customer key over its rate limit); latency percentiles per operation and the
/// server's memory are reported, and memory must stay flat. Short mode: 15 s; BILLING_LOAD_SECONDS sets the long mode.
/// </summary>
[Collection(HeavyTestsCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class LoadTests(SqliteProcessDatabase database) : IClassFixture<SqliteProcessDatabase>
{
    private const string MeteringToken = "bc_load_metering_token_0123456789";
    private const int Accounts = 10;

    private static int Setting(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var v) ? v : fallback;

    [Fact]
    public async Task HundredClients_MixingReadsAndWrites_GetNoErrors_AndMemoryStaysFlat()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var seconds = Setting("BILLING_LOAD_SECONDS", 15);
        var clients = Setting("BILLING_LOAD_CLIENTS", 100);
        using var console = new ConsoleProcess(database.Provider, database.ConnectionString, new Dictionary<string, string> { ["Demo__MeteringToken"] = MeteringToken });
        await console.StartAsync(ct);
        var customers = await CreateCustomersAsync(clients, ct);

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2 }) { BaseAddress = console.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var latencies = new ConcurrentDictionary<string, ConcurrentBag<double>>();
        var statuses = new ConcurrentDictionary<int, int>();
        var errors = new ConcurrentQueue<string>();
        var memory = new List<long>();
        var watch = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        var requests = 0;
        // At least five requests per client however slow the machine is; the deadline only stops a stuck console.
        bool Running() => watch.Elapsed < TimeSpan.FromMinutes(3) && (watch.Elapsed < end || Volatile.Read(ref requests) <= clients * 5);

        async Task<JsonElement?> CallAsync(string op, HttpRequestMessage request)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await http.SendAsync(request, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                latencies.GetOrAdd(op, _ => []).Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Interlocked.Increment(ref requests);
                var status = (int)response.StatusCode;
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status is not (200 or 201 or 402 or 429))
                    errors.Enqueue($"{op}: {status} {body[..Math.Min(body.Length, 200)]}");
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
            var (secret, keyId) = customers[n];
            while (Running())
            {
                var roll = random.Next(100);
                if (roll < 60)
                {
                    var (op, path) = (roll % 4) switch
                    {
                        0 => ("balance", "/billing/balance"),
                        1 => ("transactions", "/billing/transactions?limit=20"),
                        2 => ("summary", "/billing/summary"),
                        _ => ("usage", "/billing/usage?group_by=model"),
                    };
                    var read = new HttpRequestMessage(HttpMethod.Get, path);
                    read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
                    await CallAsync(op, read);
                    continue;
                }
                var hold = await CallAsync("reserve", Meter("/v1/meter/reservations",
                    $$"""{"idempotency_key":"load-{{n}}-{{Guid.NewGuid():N}}","api_key_id":{{keyId}},"model":"gpt-4o-mini","max_input_tokens":{{random.Next(100, 3000)}},"max_output_tokens":{{random.Next(10, 800)}}}"""));
                if (hold?.GetProperty("reservation_id").GetInt64() is not { } id)
                    continue;
                if (random.Next(10) < 8)
                    await CallAsync("settle", Meter($"/v1/meter/reservations/{id}/settle", $$"""{"input_tokens":{{random.Next(0, 3000)}},"output_tokens":{{random.Next(0, 800)}},"status":"success"}"""));
                else
                    await CallAsync("release", Meter($"/v1/meter/reservations/{id}/release", "{}"));
            }
        }

        var sampler = Task.Run(async () =>
        {
            while (Running())
            {
                lock (memory)
                    memory.Add(console.WorkingSetBytes);
                await Task.Delay(1000, ct);
            }
        }, ct);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(n => Task.Run(() => ClientAsync(n), ct)).Append(sampler));

        var all = latencies.Values.SelectMany(v => v).ToList();
        var report = new StringBuilder($"load: {clients} clients for {seconds} s, {all.Count:N0} requests ({all.Count / watch.Elapsed.TotalSeconds:N0}/s); ");
        report.Append(string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))).Append('\n');
        foreach (var (op, values) in latencies.OrderBy(l => l.Key).Append(new("all", new ConcurrentBag<double>(all))))
            report.Append($"  {op,-12} n={values.Count,7:N0}  p50 {Percentile(values, 50),7:N1} ms  p95 {Percentile(values, 95),7:N1} ms  p99 {Percentile(values, 99),7:N1} ms\n");
        // The first samples include start-up and warm-up; flat means the last third is not far above the second.
        var third = Math.Max(1, memory.Count / 3);
        var middle = memory.Skip(third).Take(third).DefaultIfEmpty(memory[0]).Average() / 1e6;
        var last = memory.TakeLast(third).Average() / 1e6;
        report.Append($"  server memory: start {memory[0] / 1e6:N0} MB, middle third {middle:N0} MB, last third {last:N0} MB, end {memory[^1] / 1e6:N0} MB");
        Xunit.TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());

        Assert.True(errors.IsEmpty, $"{errors.Count} errors, e.g.:\n{string.Join("\n", errors.Take(10))}\n{report}");
        Assert.True(all.Count > clients * 5, $"too little traffic: {report}");
        Assert.True(last < middle * 1.5 + 50, $"memory grew: {report}");
        await console.KillAsync();
        var run = await new InvariantChecker(database.Factory, TimeProvider.System).RunAsync(InvariantCheckMode.Full, null, ct);
        Assert.True(run.ViolationCount == 0, string.Join("\n", run.Violations.Select(v => $"{v.Kind}: {v.Detail}")));
    }

    private static HttpRequestMessage Meter(string path, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MeteringToken);
        return request;
    }

    private static double Percentile(IEnumerable<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];
    }

    /// <summary>Ten accounts with credit; one API key per client (its own rate-limit bucket).</summary>
    private async Task<List<(string Secret, long KeyId)>> CreateCustomersAsync(int clients, CancellationToken ct)
    {
        await using var db = await database.Factory.CreateDbContextAsync(ct);
        var accounts = Enumerable.Range(0, Accounts).Select(i => new Account { Name = $"Load {i}", CreatedAt = DateTime.UtcNow }).ToList();
        db.Accounts.AddRange(accounts);
        await db.SaveChangesAsync(ct);
        var keys = Enumerable.Range(0, clients).Select(i =>
        {
            var secret = $"bc_load_{Guid.NewGuid():N}";
            return (Secret: secret, Key: new ApiKey { AccountId = accounts[i % Accounts].Id, Name = $"load {i}", Prefix = ApiKey.PrefixOf(secret), SecretHash = ApiKey.Hash(secret), CreatedAt = DateTime.UtcNow });
        }).ToList();
        db.ApiKeys.AddRange(keys.Select(k => k.Key));
        await db.SaveChangesAsync(ct);
        var ledger = new LedgerWriter(database.Factory, database.Dialect, TimeProvider.System);
        foreach (var account in accounts)
            await ledger.PostAsync(new PostRequest(account.Id, EntryTypes.Topup, Money.FromDollars(1_000), "Load test credit", new Origin(EntrySources.Admin, "load-test")), ct);
        return keys.Select(k => (k.Secret, k.Key.Id)).ToList();
    }
}
