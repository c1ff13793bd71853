using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Db.SqlServer;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.SqlServer;

/// <summary>
/// Runs the ledger's SQL Server code paths over a <see cref="RecordingConnection"/>: every write (post with and without
/// the floor, reserve, settle, release, the batched settles and releases, an extension and the expiry sweep), then
/// every refusal and replay read
/// (the dialect's batches answer with no row, as when a guard refused), then a full and an incremental invariant
/// check. What they send is what production sends to SQL Server, typed as SqlClient binds it.
/// </summary>
public static class LedgerTraffic
{
    private static readonly Origin Origin = new(EntrySources.Admin, "sqlstatic");
    private static readonly MeteredCall Call = new(ApiKeyId: 1, ModelId: 1, PriceId: 1, MaxInputTokens: 100, MaxOutputTokens: 100, Tags: "a,b");
    private static readonly CallOutcome Outcome = new(new TokenCounts(10, 10, 1), RequestStatus.Success, Charge: true, "none", 5, 2, true, "openai", "127.0.0.1", "probe");

    public static async Task<IReadOnlyList<RecordedCommand>> RecordAsync(SqlServerLedgerDialect dialect, CancellationToken ct)
    {
        var connection = new RecordingConnection();
        var contexts = new SqlServerContexts(connection);
        var writer = new LedgerWriter(contexts, dialect, TimeProvider.System);

        await WritesAsync(writer, ct);
        var batches = Texts(dialect);
        connection.ReturnsNoRow = batches.Contains;
        await WritesAsync(writer, ct);
        connection.ReturnsNoRow = _ => false;
        await CheckAsync(new InvariantChecker(contexts, TimeProvider.System), ct);
        return connection.Commands;
    }

    /// <summary>Every text the dialect can produce, by the member that produces it: its string properties and its
    /// string methods over every combination of bool arguments.</summary>
    public static IReadOnlyDictionary<string, string> Members(SqlServerLedgerDialect dialect)
    {
        var members = new Dictionary<string, string>();
        var type = dialect.GetType();
        foreach (var property in type.GetProperties().Where(p => p.PropertyType == typeof(string)))
            members[$"{type.Name}.{property.Name}"] = (string)property.GetValue(dialect)!;
        foreach (var method in type.GetMethods().Where(m => m.ReturnType == typeof(string) && m.DeclaringType == type && !m.IsSpecialName))
        {
            var parameters = method.GetParameters();
            if (parameters.Any(p => p.ParameterType != typeof(bool)))
                throw new InvalidOperationException($"{type.Name}.{method.Name} takes arguments this verification cannot enumerate: list its texts here.");
            for (var bits = 0; bits < 1 << parameters.Length; bits++)
            {
                var args = parameters.Select((_, i) => (object)((bits >> i & 1) == 1)).ToArray();
                var shown = string.Join(", ", parameters.Select((p, i) => $"{p.Name}: {args[i].ToString()!.ToLowerInvariant()}"));
                members[$"{type.Name}.{method.Name}({shown})"] = (string)method.Invoke(dialect, args)!;
            }
        }
        return members;
    }

    private static HashSet<string> Texts(SqlServerLedgerDialect dialect) => [.. Members(dialect).Values];

    private static async Task WritesAsync(LedgerWriter writer, CancellationToken ct)
    {
        await writer.PostAsync(new PostRequest(1, EntryTypes.Topup, new Money(1_000), "credit", Origin), ct);
        await writer.PostAsync(new PostRequest(1, EntryTypes.UsageDebit, new Money(-1_000), "debit", Origin), ct);
        await writer.PostAsync(new PostRequest(1, EntryTypes.UsageDebit, new Money(-1_000), "debit", Origin, "ref", "key-1"), ct);
        await writer.ReserveAsync(new ReserveRequest(1, new Money(500), "hold", Origin, Call: Call), ct);
        await writer.ReserveAsync(new ReserveRequest(1, new Money(500), "hold", Origin, "key-2", Call: Call), ct);
        await writer.ReserveAsync(new ReserveRequest(1, new Money(500), "hold", Origin), ct);
        await writer.SettleAsync(new SettleRequest(1, 1, new Money(100), "settle", Origin, Outcome), ct);
        await writer.SettleAsync(new SettleRequest(null, 1, new Money(100), "settle", Origin), ct);
        await writer.ReleaseAsync(new ReleaseRequest(1, 1, "release", Origin), ct);
        await writer.SettleManyAsync([new SettleRequest(1, 1, new Money(100), "settle", Origin, Outcome), new SettleRequest(null, 2, new Money(1), "settle", Origin)], ct);
        await writer.ReleaseManyAsync([new ReleaseRequest(null, 1, "release", Origin), new ReleaseRequest(1, 2, "release", Origin)], ct);
        await writer.ExtendAsync(1, TimeSpan.FromMinutes(5), ct);
        await writer.ReleaseExpiredAsync(10, ct);
    }

    private static async Task CheckAsync(InvariantChecker checker, CancellationToken ct)
    {
        foreach (var mode in new[] { InvariantCheckMode.Full, InvariantCheckMode.Incremental })
        {
            try
            {
                await checker.RunAsync(mode, ct: ct);
            }
            catch (DbUpdateException)
            {
                // Saving the run's result expects the rows SQL Server would return for each insert; its commands were
                // recorded before that.
            }
        }
    }
}
