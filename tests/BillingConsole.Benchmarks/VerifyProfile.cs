using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using BillingConsole.Accounting.Identity;
using BillingConsole.Web.Api;
using BillingConsole.Web.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Benchmarks;

/// <summary>
/// Where a keys:verify call spends its time, each part timed on its own with nothing else running: hashing the secret,
/// checking the metering token, <see cref="ApiKeyService.VerifyAsync"/> in-process (the pooled context and the indexed
/// read), the whole HTTP call from one client (known and unknown secret alternately: the two must cost the same), then
/// keys:verify alone from W clients (reads only, no ledger writes beside them).
/// </summary>
public static class VerifyProfile
{
    public sealed record Result(Measurements Hash, Measurements Token, Measurements Read, Measurements ReadUnknown, Measurements Http,
        Measurements HttpUnknown, Measurements Alone, TimeSpan AloneCpu)
    {
        public IEnumerable<Measurements> Rows => [Hash, Token, Read, ReadUnknown, Http, HttpUnknown, Alone];

        /// <summary>The parts in microseconds (the table's milliseconds round the hashing to zero) and the known/unknown ratios.</summary>
        public string Summary() => string.Create(CultureInfo.InvariantCulture,
            $"keys:verify parts, p50: SHA-256 {Hash.Percentile(50) * 1000:N1} us, metering token check {Token.Percentile(50) * 1000:N1} us, " +
            $"ApiKeyService.VerifyAsync {Read.Percentile(50) * 1000:N0} us (unknown/known {ReadUnknown.Percentile(50) / Read.Percentile(50):N2}x), " +
            $"HTTP from 1 client {Http.Percentile(50) * 1000:N0} us (unknown/known {HttpUnknown.Percentile(50) / Http.Percentile(50):N2}x); " +
            $"alone at {Alone.Name.Split(", ")[1]}: {Alone.PerSecond:N0}/s, p50 / p99 {Alone.Percentile(50):N2} / {Alone.Percentile(99):N2} ms, " +
            $"{AloneCpu.TotalMicroseconds / Alone.Count:N0} us of CPU a call (client and server, one process) on {Environment.ProcessorCount} cores");
    }

    public static async Task<Result> RunAsync(BenchApp app, HttpClient client, IReadOnlyList<VerifyMix.Customer> customers,
        int workers, TimeSpan duration, int runs)
    {
        var secret = customers[0].Secret;
        // Same shape and length as a real secret, so hashing and the index probe do the same work.
        var unknown = "bc_live_" + new string('x', secret.Length - "bc_live_".Length);
        var tokens = app.Services.GetRequiredService<ServiceTokens>();
        var keys = app.Services.GetRequiredService<ApiKeyService>();
        var hash = await Measurements.TimeAsync(runs, "verify part: SHA-256 of the secret", () => Task.FromResult(ApiKey.Hash(secret)));
        var token = await Measurements.TimeAsync(runs, "verify part: metering token check", () => Task.FromResult(tokens.IsMeteringToken(app.MeteringToken)));
        var (read, readUnknown) = await Measurements.TimeAlternatelyAsync(runs,
            "verify part: ApiKeyService.VerifyAsync", () => keys.VerifyAsync(secret),
            "verify part: ApiKeyService.VerifyAsync, unknown", () => keys.VerifyAsync(unknown));
        var (http, httpUnknown) = await Measurements.TimeAlternatelyAsync(runs,
            "keys:verify over HTTP, 1 client", () => VerifyMix.VerifyAsync(client, customers[0]),
            "keys:verify over HTTP, 1 client, unknown (404)", () => NotFoundAsync(client, unknown));
        // Client and server share the process: its CPU time over the calls is what one verify costs the machine.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var alone = await Measurements.RunAsync($"keys:verify alone, {workers} clients", workers, duration,
            async (_, random) => await VerifyMix.VerifyAsync(client, customers[random.Next(customers.Count)]));
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return new Result(hash, token, read, readUnknown, http, httpUnknown, alone, cpu);
    }

    private static async Task<bool> NotFoundAsync(HttpClient client, string secret)
    {
        using var response = await client.PostAsJsonAsync("/v1/meter/keys:verify", new VerifyKeyBody(secret), MeteringScenario.Json);
        if (response.StatusCode != System.Net.HttpStatusCode.NotFound)
            throw new InvalidOperationException($"keys:verify answered {(int)response.StatusCode} for an unknown secret.");
        return true;
    }
}
