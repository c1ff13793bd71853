using BillingConsole.Accounting.Invariants;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Reliability;

/// <summary>SQL Server keeps a session's isolation level in the connection pool; the snapshot must not leak into the
/// next borrower (a ledger write in SNAPSHOT fails on update conflicts instead of waiting).</summary>
[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerConsistentReadPoolTests(SqlServerLedgerDatabase database) : IClassFixture<SqlServerLedgerDatabase>
{
    [Fact]
    public async Task ReadAsync_Afterwards_TheConnectionIsBackAtReadCommitted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await database.Factory.CreateDbContextAsync(ct);
        await ConsistentRead.ReadAsync(db, () => db.Accounts.CountAsync(ct), ct);

        await db.Database.OpenConnectionAsync(ct);
        // 2 is READ COMMITTED in sys.dm_exec_sessions (5 would be SNAPSHOT).
        var level = await db.Database.SqlQueryRaw<short>(
            "SELECT transaction_isolation_level AS value FROM sys.dm_exec_sessions WHERE session_id = @@SPID").SingleAsync(ct);
        Assert.Equal(2, level);
    }
}
