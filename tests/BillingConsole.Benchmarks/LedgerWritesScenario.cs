using System.Data.Common;
using BillingConsole.Accounting.Budgets;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BillingConsole.Benchmarks;

/// <summary>
/// Scenario 1: reserve+settle pairs per second through the engine (<see cref="LedgerWriter"/>), W workers over N
/// accounts, with group commit on and off (<see cref="GroupCommitOptions"/>), next to a raw ADO.NET loop running the
/// same two batches on a connection each worker keeps open (the ceiling without group commit). Ends with a full
/// invariant check.
/// </summary>
public static class LedgerWritesScenario
{
    private static readonly Origin Bench = new(EntrySources.MeteringApi, "bench");

    public static async Task<BenchReport> RunAsync(BenchOptions o)
    {
        await using var db = await BenchDatabase.CreateAsync(o);
        var accounts = new List<long>();
        for (var i = 0; i < o.Accounts; i++)
            accounts.Add(await db.CreateAccountAsync($"bench {i}", Money.FromDollars(1_000_000)));
        var grouped = new LedgerWriter(db.Factory, db.Dialect, TimeProvider.System, Options.Create(o.GroupCommit));
        var alone = new LedgerWriter(db.Factory, db.Dialect, TimeProvider.System, Options.Create(new GroupCommitOptions { Enabled = false }));

        // Warm-up: JIT (until the code has tiered up), pools and the first pages of each index.
        var warmOn = await Measurements.WarmUpAsync(o, (_, r) => PairAsync(grouped, accounts, r));
        var warmOff = await Measurements.WarmUpAsync(o, (_, r) => PairAsync(alone, accounts, r));
        await RawAsync(db, o, accounts, TimeSpan.FromSeconds(o.Smoke ? 0.2 : 2));

        // On, off, raw, raw, off, on (half the time each): whatever drifts during the run (a PostgreSQL checkpoint, the
        // indexes growing) weighs on every side alike instead of on whichever ran first.
        var half = o.Duration / 2;
        var onName = $"engine group commit on {o.Provider} {o.Workers}w {o.Accounts}a";
        var offName = $"engine group commit off {o.Provider} {o.Workers}w {o.Accounts}a";
        var onFirst = await Measurements.RunAsync(onName, o.Workers, half, (_, r) => PairAsync(grouped, accounts, r));
        var offFirst = await Measurements.RunAsync(offName, o.Workers, half, (_, r) => PairAsync(alone, accounts, r));
        var rawFirst = await RawAsync(db, o, accounts, half);
        var rawSecond = await RawAsync(db, o, accounts, half);
        var offSecond = await Measurements.RunAsync(offName, o.Workers, half, (_, r) => PairAsync(alone, accounts, r));
        var onSecond = await Measurements.RunAsync(onName, o.Workers, half, (_, r) => PairAsync(grouped, accounts, r));
        var on = Measurements.Merge(onName, onFirst, onSecond);
        var off = Measurements.Merge(offName, offFirst, offSecond);
        var raw = Measurements.Merge(rawFirst.Name, rawFirst, rawSecond);
        var run = await new InvariantChecker(db.Factory, TimeProvider.System).RunAsync(InvariantCheckMode.Full);

        var report = new BenchReport { Violations = run.ViolationCount };
        report.Rows.AddRange([on, off, raw]);
        report.Print(o.Out);
        o.Out.WriteLine($"group commit on / off: {on.PerSecond / off.PerSecond:N2}x ({grouped.GroupedWrites:N0} writes committed in groups); " +
            $"off / raw ADO.NET: {off.PerSecond / raw.PerSecond:P0} (target >= 85%); invariant check: {run.EntriesChecked:N0} entries, {run.ViolationCount} violations");
        o.Out.WriteLine($"warm-up in rounds of 1 s until JIT under 20 ms a round: group commit on {warmOn.Describe()}; off {warmOff.Describe()}");
        o.Out.WriteLine($"JIT during the phases: on {on.Jit.TotalMilliseconds:N0}, off {off.Jit.TotalMilliseconds:N0}, raw {raw.Jit.TotalMilliseconds:N0} ms");
        o.Out.WriteLine($"durability: {await db.DurabilityAsync()}");
        return report;
    }

    private static async Task PairAsync(LedgerWriter ledger, List<long> accounts, Random random)
    {
        var account = accounts[random.Next(accounts.Count)];
        var hold = await ledger.ReserveAsync(new ReserveRequest(account, new Money(random.NextInt64(1_000_000, 50_000_000)), "Bench hold", Bench));
        var reservation = hold.Value ?? throw new InvalidOperationException(hold.Failure!.Message);
        var settled = await ledger.SettleAsync(new SettleRequest(account, reservation.ReservationId, new Money(reservation.Held.Units / 2), "Bench settle", Bench));
        if (!settled.Succeeded)
            throw new InvalidOperationException(settled.Failure!.Message);
    }

    /// <summary>The same two batches with nothing around them: a connection per worker, parameters bound by hand.</summary>
    private static async Task<Measurements> RawAsync(BenchDatabase db, BenchOptions o, List<long> accounts, TimeSpan duration)
    {
        var connections = new DbConnection[o.Workers];
        for (var i = 0; i < o.Workers; i++)
        {
            await using var context = await db.Factory.CreateDbContextAsync();
            // The connection string the engine's provider settled on (its pooling and auto-prepare defaults included).
            connections[i] = (DbConnection)Activator.CreateInstance(context.Database.GetDbConnection().GetType(), context.Database.GetConnectionString())!;
            await connections[i].OpenAsync();
        }
        // SQLite takes one writer at a time; like the engine, queue writers in-process rather than in SQLite's busy
        // handler, whose sleeps would make this ceiling lower than the engine it is compared with.
        using var gate = o.Provider == "sqlite" ? new SemaphoreSlim(1, 1) : null;
        try
        {
            return await Measurements.RunAsync($"raw ADO.NET {o.Provider} {o.Workers}w {o.Accounts}a", o.Workers, duration, async (worker, random) =>
            {
                var connection = connections[worker];
                var account = accounts[random.Next(accounts.Count)];
                var hold = random.NextInt64(1_000_000, 50_000_000);
                var now = DateTime.UtcNow;
                var reservation = await ExecuteAsync(db.Dialect, gate, connection, db.Dialect.ReserveSql, cmd =>
                {
                    Common(db.Dialect, cmd, account, EntryTypes.Reservation, hold, now);
                    db.Dialect.AddParameter(cmd.Parameters, "min_balance", -Money.Max.Units, typeof(long));
                    db.Dialect.AddParameter(cmd.Parameters, "expires_at", now.AddMinutes(15), typeof(DateTime));
                    db.Dialect.AddParameter(cmd.Parameters, "ttl_seconds", 900, typeof(int));
                    db.Dialect.AddParameter(cmd.Parameters, "max_quantity", null, typeof(long));
                    db.Dialect.AddParameter(cmd.Parameters, "month", new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc), typeof(DateTime));
                    // The budgets' period starts, bound like the writer binds them (the raw loop's accounts have none).
                    db.Dialect.AddParameter(cmd.Parameters, "day_start", BudgetPeriods.DayStart(now), typeof(DateTime));
                    db.Dialect.AddParameter(cmd.Parameters, "week_start", BudgetPeriods.WeekStart(now), typeof(DateTime));
                    db.Dialect.AddParameter(cmd.Parameters, "lifetime_start", BudgetPeriods.LifetimeStart, typeof(DateTime));
                    foreach (var name in new[] { "api_key_id", "model_id", "price_id", "max_input_tokens", "max_output_tokens" })
                        db.Dialect.AddParameter(cmd.Parameters, name, null, typeof(long));
                    db.Dialect.AddParameter(cmd.Parameters, "tags", null, typeof(string));
                });
                await ExecuteAsync(db.Dialect, gate, connection, db.Dialect.ResolveSql, cmd =>
                {
                    Common(db.Dialect, cmd, account, EntryTypes.Settlement, 0, now);
                    db.Dialect.AddParameter(cmd.Parameters, "reservation_id", reservation, typeof(long));
                    db.Dialect.AddParameter(cmd.Parameters, "status", ReservationStatus.Settled, typeof(string));
                    db.Dialect.AddParameter(cmd.Parameters, "late", 0L, typeof(long));
                    db.Dialect.AddParameter(cmd.Parameters, "quantity", 0L, typeof(long));
                    db.Dialect.AddParameter(cmd.Parameters, "shape", 0L, typeof(long));
                    db.Dialect.AddParameter(cmd.Parameters, "charge", 1L, typeof(long));
                    db.Dialect.AddParameter(cmd.Parameters, "cost", hold / 2, typeof(long));
                    db.Dialect.AddParameter(cmd.Parameters, "day", now.Date, typeof(DateTime));
                    foreach (var name in new[] { "input_tokens", "output_tokens", "cached_tokens" })
                        db.Dialect.AddParameter(cmd.Parameters, name, 0L, typeof(long));
                    db.Dialect.AddParameter(cmd.Parameters, "request_status", "success", typeof(string));
                    foreach (var name in new[] { "error_code", "provider", "client_ip", "user_agent" })
                        db.Dialect.AddParameter(cmd.Parameters, name, null, typeof(string));
                    db.Dialect.AddParameter(cmd.Parameters, "latency_ms", null, typeof(int));
                    db.Dialect.AddParameter(cmd.Parameters, "ttfb_ms", null, typeof(int));
                    db.Dialect.AddParameter(cmd.Parameters, "http_status", null, typeof(int));
                    db.Dialect.AddParameter(cmd.Parameters, "streaming", false, typeof(bool));
                });
            });
        }
        finally
        {
            foreach (var connection in connections)
                await connection.DisposeAsync();
        }
    }

    private static void Common(ILedgerDialect d, DbCommand cmd, long account, string type, long amount, DateTime now)
    {
        d.AddParameter(cmd.Parameters, "account_id", account, typeof(long));
        d.AddParameter(cmd.Parameters, "type", type, typeof(string));
        d.AddParameter(cmd.Parameters, "amount", amount, typeof(long));
        d.AddParameter(cmd.Parameters, "created_at", now, typeof(DateTime));
        d.AddParameter(cmd.Parameters, "description", "Bench", typeof(string));
        d.AddParameter(cmd.Parameters, "source", EntrySources.MeteringApi, typeof(string));
        d.AddParameter(cmd.Parameters, "ref_id", null, typeof(string));
        d.AddParameter(cmd.Parameters, "actor", "bench", typeof(string));
        d.AddParameter(cmd.Parameters, "idempotency_key", null, typeof(string));
    }

    private static async Task<long> ExecuteAsync(ILedgerDialect dialect, SemaphoreSlim? gate, DbConnection connection, string sql, Action<DbCommand> bind)
    {
        if (gate is not null)
            await gate.WaitAsync();
        try
        {
            return await ExecuteAsync(dialect, connection, sql, bind);
        }
        finally
        {
            gate?.Release();
        }
    }

    private static async Task<long> ExecuteAsync(ILedgerDialect dialect, DbConnection connection, string sql, Action<DbCommand> bind)
    {
        await using var tx = dialect.NeedsClientTransaction ? await connection.BeginTransactionAsync() : null;
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        bind(cmd);
        long? reservation = null;
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            do
            {
                if (reservation is null && reader.FieldCount == LedgerSql.ReturnedColumnCount && await reader.ReadAsync())
                    reservation = reader.GetInt64(4);
            } while (await reader.NextResultAsync());
        }
        if (tx is not null)
            await tx.CommitAsync();
        return reservation ?? throw new InvalidOperationException("A raw batch wrote nothing.");
    }
}
