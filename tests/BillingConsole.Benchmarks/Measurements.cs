using System.Diagnostics;
using System.Globalization;
using System.Runtime;

namespace BillingConsole.Benchmarks;

/// <summary>Latencies of one run and the figures printed for it.</summary>
public sealed class Measurements(string name)
{
    private readonly List<double> _millis = [];
    private readonly object _lock = new();
    public string Name { get; } = name;
    public TimeSpan Elapsed { get; set; }
    public long AllocatedBytes { get; set; }

    /// <summary>Time the process spent paused for garbage collection during the run, and the collections (gen0/1/2).</summary>
    public TimeSpan GcPause { get; set; }

    /// <summary>The process's CPU time during the run (client and server when they share it).</summary>
    public TimeSpan Cpu { get; set; }
    public (int Gen0, int Gen1, int Gen2) Collections { get; set; }

    /// <summary>Time the JIT spent compiling during the run, on every thread (tiering up included).</summary>
    public TimeSpan Jit { get; set; }

    public string GcSummary => string.Create(CultureInfo.InvariantCulture,
        $"{Cpu.TotalMilliseconds * 1000 / Math.Max(1, Count):N0} us of CPU an op, {Cpu / Elapsed / Environment.ProcessorCount:P0} of the cores; GC paused {GcPause.TotalMilliseconds:N0} ms in {Collections.Gen0}/{Collections.Gen1}/{Collections.Gen2} gen0/1/2 collections");

    public void Add(double milliseconds)
    {
        lock (_lock)
            _millis.Add(milliseconds);
    }

    /// <summary>Set for a bulk operation timed as a whole (one latency, many operations).</summary>
    public long? Operations { get; init; }

    public long Count => Operations ?? _millis.Count;
    public double PerSecond => Count / Elapsed.TotalSeconds;

    public double Percentile(double p)
    {
        if (_millis.Count == 0)
            return double.NaN;
        var sorted = _millis.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];
    }

    public static string Header => $"{"scenario",-44} {"ops",9} {"ops/s",9} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"alloc MB",9}";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name,-44} {Count,9:N0} {PerSecond,9:N0} {Percentile(50),8:N2} {Percentile(95),8:N2} {Percentile(99),8:N2} {AllocatedBytes / 1048576.0,9:N1}");

    /// <summary>Several runs of the same thing reported as one (latencies pooled, times and allocations added).</summary>
    public static Measurements Merge(string name, params Measurements[] runs)
    {
        var m = new Measurements(name) { Elapsed = TimeSpan.Zero };
        foreach (var run in runs)
        {
            m._millis.AddRange(run._millis);
            m.Elapsed += run.Elapsed;
            m.Jit += run.Jit;
            m.AllocatedBytes += run.AllocatedBytes;
        }
        return m;
    }

    /// <summary>Runs <paramref name="workers"/> loops of <paramref name="operation"/> for <paramref name="duration"/>.</summary>
    public static async Task<Measurements> RunAsync(string name, int workers, TimeSpan duration, Func<int, Random, Task> operation)
    {
        var m = new Measurements(name);
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var (pauseBefore, g0, g1, g2) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var jitBefore = JitInfo.GetCompilationTime();
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            while (stop.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                await operation(worker, random);
                m.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })));
        m.Elapsed = stop.Elapsed;
        m.AllocatedBytes = GC.GetTotalAllocatedBytes() - allocatedBefore;
        m.GcPause = GC.GetTotalPauseDuration() - pauseBefore;
        m.Cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        m.Collections = (GC.CollectionCount(0) - g0, GC.CollectionCount(1) - g1, GC.CollectionCount(2) - g2);
        m.Jit = JitInfo.GetCompilationTime() - jitBefore;
        return m;
    }

    /// <summary>Runs <paramref name="operation"/> in rounds of a second until a round spends under 2% of it compiling
    /// (at most 40 rounds; one with --smoke), so the phases measure the code as a server runs it for hours, not while
    /// it tiers up: with dynamic PGO every hot method is compiled twice more, and on 2 cores shared with PostgreSQL the
    /// background compiler took about 30 s of load to finish. The first and last rounds are kept: what a cold process
    /// costs beside a warm one.</summary>
    public static async Task<WarmUp> WarmUpAsync(BenchOptions o, Func<int, Random, Task> operation)
    {
        var rounds = new List<Measurements>();
        while (rounds.Count < (o.Smoke ? 1 : 40))
        {
            rounds.Add(await RunAsync("warm-up", o.Workers, TimeSpan.FromSeconds(1), operation));
            if (rounds[^1].Jit < TimeSpan.FromMilliseconds(20))
                break;
        }
        return new WarmUp(rounds.Count, rounds[0], rounds[^1], rounds.Aggregate(TimeSpan.Zero, (sum, r) => sum + r.Jit));
    }

    /// <summary>Runs <paramref name="query"/> 5 times to warm up, then <paramref name="runs"/> times one after another.</summary>
    public static async Task<Measurements> TimeAsync<T>(int runs, string name, Func<Task<T>> query)
    {
        for (var i = 0; i < 5; i++)
            await query();
        var m = new Measurements(name);
        var allocated = GC.GetTotalAllocatedBytes();
        var total = Stopwatch.StartNew();
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await query();
            m.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        m.Elapsed = total.Elapsed;
        m.AllocatedBytes = GC.GetTotalAllocatedBytes() - allocated;
        return m;
    }

    /// <summary>Times two queries alternately, run for run, so that warm-up, JIT tiering and the machine's other load
    /// fall on both alike: a ratio of the two is then about the queries, not about which ran first.</summary>
    public static async Task<(Measurements A, Measurements B)> TimeAlternatelyAsync<TA, TB>(int runs, string nameA, Func<Task<TA>> a, string nameB,
        Func<Task<TB>> b)
    {
        for (var i = 0; i < 5; i++)
        {
            await a();
            await b();
        }
        var (ma, mb) = (new Measurements(nameA), new Measurements(nameB));
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await a();
            ma.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            start = Stopwatch.GetTimestamp();
            await b();
            mb.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        // Throughput of each as if run alone: its own summed latencies.
        ma.Elapsed = TimeSpan.FromMilliseconds(ma._millis.Sum());
        mb.Elapsed = TimeSpan.FromMilliseconds(mb._millis.Sum());
        return (ma, mb);
    }
}

/// <summary>A warm-up's rounds: the first (cold code), the last (JIT under 20 ms) and the JIT time of them all.</summary>
public sealed record WarmUp(int Rounds, Measurements First, Measurements Last, TimeSpan TotalJit)
{
    public TimeSpan Jit => Last.Jit;

    private static double CpuPerOp(Measurements m) => m.Cpu.TotalMilliseconds * 1000 / Math.Max(1, m.Count);

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Rounds} rounds, {TotalJit.TotalSeconds:N1} s of JIT; first round {First.PerSecond:N0} ops/s at {CpuPerOp(First):N0} us of CPU an op, " +
        $"last {Last.PerSecond:N0} ops/s at {CpuPerOp(Last):N0} us");
}
