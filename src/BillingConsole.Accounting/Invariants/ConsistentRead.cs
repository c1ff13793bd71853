using System.Data;
using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace BillingConsole.Accounting.Invariants;

/// <summary>
/// A read-only transaction in which every statement sees the same committed state (one snapshot), without blocking
/// writers. The invariant checker runs all of a run's reads in one, so a derived table is never compared with a ledger
/// read before or after the transaction that wrote both (a torn read would report damage that is not there).
/// Nothing may be written in it; end it (commit or dispose) before writing.
/// </summary>
public static class ConsistentRead
{
    public static Task<IDbContextTransaction> BeginAsync(BillingDbContext db, CancellationToken ct) =>
        db.Database.BeginTransactionAsync(IsolationFor(db.Database.ProviderName), ct);

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
        "Microsoft.EntityFrameworkCore.SqlServer" => IsolationLevel.Snapshot,
        _ => throw new NotSupportedException($"No consistent read is defined for the database provider '{provider}'."),
    };
}
