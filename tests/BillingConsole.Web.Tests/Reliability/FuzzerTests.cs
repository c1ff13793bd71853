using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Web.Tests.Auth;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Reliability;

/// <summary>
/// Hostile input against every endpoint of the running app (read from its endpoint list), each called with the
/// credentials its policy accepts: malformed and boundary JSON, huge numbers, script and unicode in every text, wrong
/// content types, oversized bodies, junk ids and query strings. No answer may be a 5xx; every refusal of an API call is
/// problem+json with a stable code; a refused request leaves the ledger exactly as it was; no HTML page reflects markup
/// unencoded. Short mode: 1,500 requests; BILLING_FUZZ_REQUESTS and BILLING_FUZZ_SEED set the long mode.
/// </summary>
[Collection(HeavyTestsCollection.Name)]
[Trait("Speed", "Slow")]
public sealed partial class FuzzerTests : IAsyncLifetime
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private readonly TestConsoleHost _host = new("Development", new Dictionary<string, string?>
    {
        // The fuzzer sends thousands of requests with one key; the limiter's 429 is tested elsewhere.
        ["RateLimiting:CustomerPermitsPerMinute"] = "100000000",
        ["Payments:AutoRechargeInterval"] = "01:00:00",
    });

    private readonly Dictionary<FuzzCaller, HttpClient> _clients = [];
    private readonly List<long> _knownIds = [];
    private long _accountA;

    [GeneratedRegex("^[a-z][a-z_]*$")]
    private static partial Regex StableCode();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();

    public async ValueTask InitializeAsync()
    {
        var baseAddress = _host.Start();
        var accountA = await _host.CreateAccountAsync();
        var accountB = await _host.CreateAccountAsync();
        var ledger = _host.Services.GetRequiredService<LedgerWriter>();
        await ledger.PostAsync(new PostRequest(accountA, EntryTypes.Topup, Money.FromDollars(100), "Fuzz top-up", new Origin(EntrySources.Admin, "fuzz")));
        _accountA = accountA;
        var keyA = await _host.CreateApiKeyAsync(accountA);
        await _host.CreateApiKeyAsync(accountB);
        var id = Guid.NewGuid().ToString("N")[..8];
        await _host.CreateUserAsync($"fuzz-{id}@example.test", Roles.Customer, accountA);
        await _host.CreateUserAsync($"fuzz-admin-{id}@example.test", Roles.BillingAdmin);
        await using (var db = await _host.DbFactory.CreateDbContextAsync())
            _knownIds.AddRange(await db.ApiKeys.Select(k => k.Id).ToListAsync());
        var meter = _host.Services.GetRequiredService<MeteringService>();
        for (var i = 0; i < 5; i++)
        {
            var hold = await meter.ReserveAsync(new MeterReserveCommand($"fuzz-{i}", _knownIds[0], "gpt-4o-mini", 100, 100));
            _knownIds.Add(hold.Value!.ReservationId);
        }
        _knownIds.AddRange([accountA, accountB]);
        _clients[FuzzCaller.Anonymous] = _host.Client();
        _clients[FuzzCaller.CustomerKey] = _host.Client(keyA);
        _clients[FuzzCaller.Metering] = _host.Client(_host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Demo:MeteringToken"]);
        _clients[FuzzCaller.Session] = await DevSessions.SignInAsync(baseAddress, $"fuzz-{id}@example.test");
        _clients[FuzzCaller.Admin] = await DevSessions.SignInAsync(baseAddress, $"fuzz-admin-{id}@example.test");
        _clients[FuzzCaller.AdminToken] = _host.Client(_host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Demo:AdminToken"]);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
            client.Dispose();
        await _host.DisposeAsync();
    }

    private static int Setting(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var v) ? v : fallback;

    [Fact]
    public async Task HostileRequests_ToEveryEndpoint_NeverFail_NeverWrite_AndAlwaysExplain()
    {
        var seed = Setting("BILLING_FUZZ_SEED", 1);
        var total = Setting("BILLING_FUZZ_REQUESTS", 1500);
        var endpoints = EndpointPolicies.Read(_host.Services.GetRequiredService<EndpointDataSource>()).Where(e => e.Access != Access.Framework).ToList();
        var inputs = new HostileInputs(seed, _knownIds);
        var failures = new List<string>();
        var codes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var statuses = new SortedDictionary<int, int>();
        var watch = Stopwatch.StartNew();

        for (var i = 0; i < total && failures.Count < 20; i++)
        {
            var endpoint = endpoints[i % endpoints.Count];
            using var request = Build(endpoint, inputs);
            var what = $"seed {seed} request {i}: {request.Method} {request.RequestUri} as {FuzzTargets.CallerOf(endpoint)}";
            var before = await LedgerSnapshotAsync();
            HttpResponseMessage response;
            try
            {
                response = await _clients[FuzzTargets.CallerOf(endpoint)].SendAsync(request, Ct);
            }
            catch (HttpRequestException e)
            {
                failures.Add($"{what}: no answer ({e.Message})");
                continue;
            }
            using (response)
            {
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                var body = await response.Content.ReadAsStringAsync(Ct);
                if (await CheckAsync(endpoint, response, body, before, codes) is { } problem)
                    failures.Add($"{what}: {problem}\n    body sent: {Excerpt(request.Content is null ? "" : await request.Content.ReadAsStringAsync(Ct))}");
                // A junk id can be the caller's own key: once it is revoked, carry on with a new one.
                if (endpoint.Key == "DELETE /v1/keys/{id}" && status == 204)
                    await RenewCustomerKeyAsync();
            }
        }

        Assert.True(failures.Count == 0, $"reproduce: BILLING_FUZZ_SEED={seed} BILLING_FUZZ_REQUESTS={total}\n" + string.Join("\n", failures));
        Xunit.TestContext.Current.TestOutputHelper?.WriteLine(
            $"fuzzer seed {seed}: {total:N0} requests to {endpoints.Count} endpoints in {watch.Elapsed.TotalSeconds:N0} s; statuses {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}; " +
            $"codes {string.Join(", ", codes.Select(c => $"{c.Key}×{c.Value}"))}; 0 failures");
    }

    private async Task RenewCustomerKeyAsync()
    {
        _clients[FuzzCaller.CustomerKey].Dispose();
        _clients[FuzzCaller.CustomerKey] = _host.Client(await _host.CreateApiKeyAsync(_accountA));
    }

    private HttpRequestMessage Build(EndpointAccess endpoint, HostileInputs inputs)
    {
        var path = RouteParameter().Replace(endpoint.Route, _ => inputs.Id());
        var query = inputs.Query();
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), query.Length > 0 ? $"{path}?{query}" : path);
        if (endpoint.Method is "POST" or "PUT" or "PATCH" || inputs.Next(20) == 0)
        {
            var json = inputs.Oversized() ? HostileInputs.Huge() : inputs.Json(FuzzTargets.FieldsOf(endpoint.Route));
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
            if (inputs.ContentType() is { } type)
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            request.Content = content;
        }
        if (endpoint.Route == "/stripe/webhook" && inputs.Next(2) == 0)
            request.Headers.TryAddWithoutValidation("Stripe-Signature", $"t={inputs.Id()},v1={inputs.Id()}");
        return request;
    }

    /// <summary>Null when the answer is acceptable, else what is wrong with it.</summary>
    private async Task<string?> CheckAsync(EndpointAccess endpoint, HttpResponseMessage response, string body,
        (long, long, long) before, SortedDictionary<string, int> codes)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
            return $"server error {status}: {Excerpt(body)}";
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType == "text/html" && (body.Contains("<script>alert(", StringComparison.Ordinal) || body.Contains("onerror=alert(", StringComparison.Ordinal)
            || body.Contains("<svg onload", StringComparison.Ordinal)))
            return "the page reflects markup unencoded";
        if (status < 400)
            return null;
        // Kestrel itself refuses a path with an encoded NUL (bare 400, before any middleware runs): nothing to explain.
        var refusedByServer = status == 400 && body.Length == 0 && response.RequestMessage!.RequestUri!.AbsolutePath.Contains("%00", StringComparison.Ordinal);
        if ((endpoint.IsApi || endpoint.Route == "/stripe/webhook") && !refusedByServer)
        {
            if (mediaType != "application/problem+json")
                return $"a refusal ({status}) as {mediaType}, not problem+json: {Excerpt(body)}";
            using var json = JsonDocument.Parse(body);
            var code = json.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "";
            if (!StableCode().IsMatch(code))
                return $"a refusal ({status}) without a stable code: {Excerpt(body)}";
            codes[code] = codes.GetValueOrDefault(code) + 1;
        }
        var after = await LedgerSnapshotAsync();
        return after == before ? null : $"refused with {status} but the ledger changed: {before} -> {after}";
    }

    /// <summary>Entries, the sum of balances and holds: any write moves at least one of them.</summary>
    private async Task<(long Entries, long Balances, long Holds)> LedgerSnapshotAsync()
    {
        await using var db = await _host.DbFactory.CreateDbContextAsync();
        return (await db.LedgerEntries.LongCountAsync(), await db.Accounts.SumAsync(a => a.Balance), await db.Reservations.LongCountAsync());
    }

    private static string Excerpt(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
