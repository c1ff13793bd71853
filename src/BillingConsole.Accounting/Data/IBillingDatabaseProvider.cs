using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Data;

/// <summary>One supported database: how EF connects to it (with its migrations assembly) and its hot-path SQL.</summary>
public interface IBillingDatabaseProvider
{
    /// <summary>The value of <c>Database:Provider</c> that selects it: Sqlite, Postgres or SqlServer.</summary>
    string Name { get; }

    ILedgerDialect Dialect { get; }

    /// <summary>Connects a context to the ledger database: <see cref="BillingDbContext"/>, or another context over tables
    /// its migrations own (the console's Data Protection keys).</summary>
    void Configure(DbContextOptionsBuilder options, string connectionString);

    /// <summary>One-time settings of a database file or server session that migrations do not carry (SQLite: WAL).</summary>
    Task PrepareAsync(BillingDbContext db, CancellationToken ct) => Task.CompletedTask;
}
