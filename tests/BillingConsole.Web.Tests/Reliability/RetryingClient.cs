using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Payments;

namespace BillingConsole.Web.Tests.Reliability;

/// <summary>What the console acknowledged: each write here got its answer, so it must exist exactly once.</summary>
public sealed class AcknowledgedWrites
{
    public ConcurrentBag<(string Session, Money Paid, Money Fee)> TopUps { get; } = [];
    public ConcurrentDictionary<long, (string Key, Money Held)> Holds { get; } = new();
    public ConcurrentDictionary<long, Money> Settled { get; } = new();
    public ConcurrentBag<long> Released { get; } = [];
    public ConcurrentBag<long> Abandoned { get; } = [];
    public long Refusals;
    /// <summary>Acknowledged settlements:batch requests (their holds are in <see cref="Settled"/>).</summary>
    public long Batches;
    public long Retries;
    public long ServerErrors;
    /// <summary>Requests that reached the console but got no answer (reset or timed out): the kill landed mid-request.</summary>
    public long LostAnswers;
}

/// <summary>
/// A gateway and payment client that keeps going through crashes: every write carries its idempotency key (or Stripe
/// event and session id) and is sent again, unchanged, until the console answers; only then is it acknowledged.
/// Writes: top-ups as signed Stripe webhooks, metered reserves, settles one at a time and in batches, releases, and holds
/// left to expire.
/// </summary>
public sealed class RetryingClient(Uri baseAddress, string meteringToken, string webhookSecret, long accountId, long keyId, int worker,
    AcknowledgedWrites acked)
{
    private readonly Random _random = new(worker);
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(15) };
    private readonly List<long> _open = [];
    private int _n;

    public async Task RunAsync(Func<bool> keepGoing, CancellationToken ct)
    {
        while (keepGoing())
        {
            var roll = _random.Next(100);
            if (roll < 12)
                await TopUpAsync(ct);
            else if (roll < 50 || _open.Count == 0)
                await ReserveAsync(ct);
            else if (roll < 72 || _open.Count < 2)
                await SettleAsync(ct);
            else if (roll < 85)
                await SettleBatchAsync(ct);
            else if (roll < 95)
                await ReleaseAsync(ct);
            else
                Abandon();
        }
        foreach (var id in _open)
            acked.Abandoned.Add(id);
    }

    private async Task TopUpAsync(CancellationToken ct)
    {
        var n = ++_n;
        var session = $"cs_crash_{worker}_{n}";
        var (paid, fee) = (1_000 + _random.Next(4_000), 50 + _random.Next(100));
        var metadata = StripeObjects.PurchaseMetadata(accountId, paid - fee, fee);
        var payload = StripeObjects.Event("checkout.session.completed", StripeObjects.Session(session, metadata, paid, null, "paid", null),
            id: $"evt_crash_{worker}_{n}");
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhook") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeObjects.Sign(payload, webhookSecret));
            return request;
        }, ct);
        Expect(response, HttpStatusCode.OK);
        acked.TopUps.Add((session, Money.FromCents(paid), Money.FromCents(fee)));
    }

    private async Task ReserveAsync(CancellationToken ct)
    {
        var key = $"crash-{worker}-{++_n}";
        var body = $$"""{"idempotency_key":"{{key}}","api_key_id":{{keyId}},"model":"gpt-4o-mini","max_input_tokens":{{_random.Next(100, 4000)}},"max_output_tokens":{{_random.Next(10, 1000)}}}""";
        using var response = await SendAsync(() => Metering("/v1/meter/reservations", body), ct);
        if (response.StatusCode == HttpStatusCode.PaymentRequired)
        {
            Interlocked.Increment(ref acked.Refusals);
            return;
        }
        Expect(response, HttpStatusCode.Created);
        var json = await JsonAsync(response, ct);
        var id = json.GetProperty("reservation_id").GetInt64();
        acked.Holds[id] = (key, Money.FromDecimal(json.GetProperty("held").GetDecimal()));
        _open.Add(id);
    }

    private async Task SettleAsync(CancellationToken ct)
    {
        var id = Take();
        var body = $$"""{"input_tokens":{{_random.Next(0, 3000)}},"output_tokens":{{_random.Next(0, 900)}},"status":"success"}""";
        using var response = await SendAsync(() => Metering($"/v1/meter/reservations/{id}/settle", body), ct);
        Expect(response, HttpStatusCode.OK);
        acked.Settled[id] = Money.FromDecimal((await JsonAsync(response, ct)).GetProperty("cost").GetDecimal());
    }

    // Several holds in one settlements:batch request, sent again unchanged until answered: batches from several clients
    // are merged into one transaction, so a kill lands mid-merge too, and each item replays on the retry.
    private async Task SettleBatchAsync(CancellationToken ct)
    {
        var ids = Enumerable.Range(0, Math.Min(_open.Count, 2 + _random.Next(5))).Select(_ => Take()).ToList();
        var items = ids.Select(id => $$"""{"reservation_id":{{id}},"input_tokens":{{_random.Next(0, 3000)}},"output_tokens":{{_random.Next(0, 900)}}}""");
        var body = $$"""{"settlements":[{{string.Join(",", items)}}]}""";
        using var response = await SendAsync(() => Metering("/v1/meter/settlements:batch", body), ct);
        Expect(response, HttpStatusCode.OK);
        var results = (await JsonAsync(response, ct)).EnumerateArray().ToList();
        if (results.Count != ids.Count || results.Any(r => r.GetProperty("status").GetInt32() != 200))
            throw new InvalidOperationException($"settlements:batch refused an item: {body} -> {string.Join(", ", results)}");
        foreach (var (id, result) in ids.Zip(results))
            acked.Settled[id] = Money.FromDecimal(result.GetProperty("result").GetProperty("cost").GetDecimal());
        Interlocked.Increment(ref acked.Batches);
    }

    private async Task ReleaseAsync(CancellationToken ct)
    {
        var id = Take();
        using var response = await SendAsync(() => Metering($"/v1/meter/reservations/{id}/release", """{"reason":"crash test"}"""), ct);
        Expect(response, HttpStatusCode.OK);
        acked.Released.Add(id);
    }

    private void Abandon() => acked.Abandoned.Add(Take());

    private long Take()
    {
        var i = _random.Next(_open.Count);
        var id = _open[i];
        _open.RemoveAt(i);
        return id;
    }

    private HttpRequestMessage Metering(string path, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", meteringToken);
        return request;
    }

    /// <summary>Sends until the console answers with something other than a server error: no answer (refused, reset,
    /// timed out) or a 5xx means the write may or may not have happened, so the same request goes again.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            if (attempt > 0)
            {
                Interlocked.Increment(ref acked.Retries);
                await Task.Delay(50 + _random.Next(150), ct);
            }
            using var request = build();
            try
            {
                var response = await _http.SendAsync(request, ct);
                if ((int)response.StatusCode < 500)
                    return response;
                Interlocked.Increment(ref acked.ServerErrors);
                response.Dispose();
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref acked.LostAnswers);
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref acked.LostAnswers);
            }
        }
    }

    private static void Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {status}, got " +
                $"{(int)response.StatusCode} {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, CancellationToken ct) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.Clone();
}
