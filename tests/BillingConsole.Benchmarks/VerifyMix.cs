using System.Diagnostics;
using System.Net.Http.Json;
using BillingConsole.Web.Api;

namespace BillingConsole.Benchmarks;

/// <summary>
/// The gateway that holds only its customers' secrets (issue 16): each simulated call checks the secret with
/// <c>POST /v1/meter/keys:verify</c>, reserves with the <c>api_key_id</c> the answer names, and settles, by W concurrent
/// clients for the run's duration. Reserving by id, not by <c>api_key</c>: the gateway already holds the verified id, and
/// reserving by secret would repeat the hash and the indexed read inside the reserve, so the mix would pay for the check
/// twice (the reserve still refuses a key revoked since, with <c>key_revoked</c>). Every call is made, uncached: the
/// 60 s cache a gateway may keep is the best case, this is the worst.
/// </summary>
public static class VerifyMix
{
    /// <summary>A funded account's key and the secret a gateway would be handed with each call.</summary>
    public sealed record Customer(long AccountId, long KeyId, string Secret);

    /// <summary>The mix as a whole (one operation = verify + reserve + settle) and each of its three calls.</summary>
    public sealed record Result(Measurements Mix, Measurements Verify, Measurements Reserve, Measurements Settle);

    public const string VerifyRowPrefix = "keys:verify in the mix";

    public static async Task<Result> RunAsync(HttpClient client, IReadOnlyList<Customer> customers, int workers, TimeSpan duration)
    {
        var verify = new Measurements($"{VerifyRowPrefix}, {workers} clients");
        var reserve = new Measurements($"reserve in the mix, {workers} clients");
        var settle = new Measurements($"settle in the mix, {workers} clients");
        var mix = await Measurements.RunAsync($"verify+reserve+settle, {workers} clients {customers.Count}a", workers, duration, async (_, random) =>
        {
            var customer = customers[random.Next(customers.Count)];
            var keyId = await TimedAsync(verify, () => VerifyAsync(client, customer));
            var reservationId = await TimedAsync(reserve, () => MeteringScenario.ReserveAsync(client, keyId));
            await TimedAsync(settle, async () =>
            {
                await MeteringScenario.SettleAsync(client, reservationId);
                return reservationId;
            });
        });
        // The three calls share the phase's wall time: each ran once per mix operation.
        foreach (var step in new[] { verify, reserve, settle })
            step.Elapsed = mix.Elapsed;
        return new Result(mix, verify, reserve, settle);
    }

    /// <summary>The key id the gateway reserves with; a refusal or an answer naming another key aborts the run.</summary>
    public static async Task<long> VerifyAsync(HttpClient client, Customer customer)
    {
        using var response = await client.PostAsJsonAsync("/v1/meter/keys:verify", new VerifyKeyBody(customer.Secret), MeteringScenario.Json);
        response.EnsureSuccessStatusCode();
        var verified = await response.Content.ReadFromJsonAsync<VerifiedKeyResponse>(MeteringScenario.Json);
        if (verified is null || verified.ApiKeyId != customer.KeyId || verified.AccountId != customer.AccountId)
            throw new InvalidOperationException($"keys:verify answered key {verified?.ApiKeyId} of account {verified?.AccountId} " +
                                                $"for key {customer.KeyId} of account {customer.AccountId}.");
        return verified.ApiKeyId;
    }

    private static async Task<T> TimedAsync<T>(Measurements measurements, Func<Task<T>> call)
    {
        var start = Stopwatch.GetTimestamp();
        var result = await call();
        measurements.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        return result;
    }
}
