using System.Data;
using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Invariants;

/// <summary>
/// Runs reads in one read-only transaction in which every statement sees the same committed state (one snapshot),
/// without blocking writers. The invariant checker runs all of a run's reads in one, so a derived table is never
/// compared with a ledger read before or after the transaction that wrote both (a torn read would report damage that
/// is not there). The reads must not write.
/// </summary>
public static class ConsistentRead
{
    private const string SqlServer = "Microsoft.EntityFrameworkCore.SqlServer";

    public static async Task<T> ReadAsync<T>(BillingDbContext db, Func<Task<T>> reads, CancellationToken ct)
    {
        // Held open across the transaction so the isolation level can be reset on the very connection that used it.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(IsolationFor(db.Database.ProviderName), ct);
            var result = await reads();
            await tx.CommitAsync(ct);
            return result;
        }
        finally
        {
            // SQL Server keeps a session's isolation level when the connection goes back to the pool (sp_reset_connection
            // does not reset it: dotnet/SqlClient#96): a ledger write borrowing it next would run in SNAPSHOT and fail
            // on update conflicts instead of waiting for the row lock.
            if (db.Database.ProviderName == SqlServer)
                await db.Database.ExecuteSqlRawAsync("SET TRANSACTION ISOLATION LEVEL READ COMMITTED;", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The isolation level that gives one snapshot on each provider.</summary>
    public static IsolationLevel IsolationFor(string? provider) => provider switch
    {
        // The snapshot is taken at the first statement and kept to the end; a read-only transaction at this level
        // never waits for writers and never fails with a serialization error.
        "Npgsql.EntityFrameworkCore.PostgreSQL" => IsolationLevel.RepeatableRead,
        // Microsoft.Data.Sqlite begins a DEFERRED transaction only for this level (on a private cache, which the
        // console uses, it reads committed data only; every other level asks BEGIN IMMEDIATE, which would take the
        // write lock and stall every writer for the run). In WAL mode the first read fixes the snapshot.
        "Microsoft.EntityFrameworkCore.Sqlite" => IsolationLevel.ReadUncommitted,
        // Row versions instead of shared locks: writers are never blocked. Needs ALLOW_SNAPSHOT_ISOLATION ON, which a
        // SQL Server migration sets (REPEATABLE READ there would hold shared locks and stall the writers).
        SqlServer => IsolationLevel.Snapshot,
        _ => throw new NotSupportedException($"No consistent read is defined for the database provider '{provider}'."),
    };
}
