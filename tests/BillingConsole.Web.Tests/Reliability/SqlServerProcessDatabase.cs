using BillingConsole.Accounting.Data;
using BillingConsole.Db.SqlServer;

namespace BillingConsole.Web.Tests.Reliability;

/// <summary>
/// An empty database on the shared SQL Server 2022 container (<see cref="SqlServerTestServer"/>) for a console process to
/// migrate; skipped with its reason where no Docker engine runs, failed instead when the run requires SQL Server.
/// </summary>
public sealed class SqlServerProcessDatabase : ProcessDatabase
{
    private readonly string _database = $"billing_process_{Guid.NewGuid():N}";

    public override string Provider => "SqlServer";
    protected override IBillingDatabaseProvider EfProvider { get; } = new SqlServerDatabaseProvider();

    public override async ValueTask InitializeAsync()
    {
        SkipReason = SqlServerTestServer.UnavailableReason(SqlServerTestServer.Required);
        if (SkipReason is null)
            ConnectionString = await SqlServerTestServer.CreateDatabaseAsync(_database);
    }

    public override async ValueTask DisposeAsync()
    {
        if (ConnectionString.Length > 0)
            await SqlServerTestServer.DropDatabaseAsync(ConnectionString);
    }
}
