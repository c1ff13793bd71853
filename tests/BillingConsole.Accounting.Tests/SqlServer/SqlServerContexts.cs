using BillingConsole.Accounting.Data;
using BillingConsole.Db.SqlServer;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.SqlServer;

/// <summary>BillingDbContexts configured exactly as production configures SQL Server (<see cref="SqlServerDatabaseProvider"/>),
/// for work that needs no server: scripts from the model and migrations, and commands sent to a <see cref="RecordingConnection"/>.</summary>
public sealed class SqlServerContexts(RecordingConnection? connection = null) : IDbContextFactory<BillingDbContext>
{
    /// <summary>A context that never connects: for the create script and the migration script.</summary>
    public static BillingDbContext Offline() => new SqlServerContexts().CreateDbContext();

    public BillingDbContext CreateDbContext()
    {
        var options = new DbContextOptionsBuilder<BillingDbContext>();
        new SqlServerDatabaseProvider().Configure(options, "Server=localhost;Database=offline;TrustServerCertificate=true");
        // The provider's settings stay; only where commands go changes.
        if (connection is not null)
            options.UseSqlServer(connection);
        return new BillingDbContext(options.Options);
    }
}
