using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BillingConsole.Db.SqlServer.Migrations
{
    /// <summary>The invariant checker reads each run in one SNAPSHOT transaction (row versions, no shared locks), so
    /// writers never wait for it and it never compares tables read at different instants. ALTER DATABASE cannot run
    /// inside a transaction, and it waits for the transactions already open in the database to finish.</summary>
    public partial class AllowSnapshotIsolation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Only when off: some databases (Azure SQL Database, master) have it on already and refuse the change.
            migrationBuilder.Sql(
                "IF (SELECT snapshot_isolation_state FROM sys.databases WHERE database_id = DB_ID()) = 0 ALTER DATABASE CURRENT SET ALLOW_SNAPSHOT_ISOLATION ON;",
                suppressTransaction: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER DATABASE CURRENT SET ALLOW_SNAPSHOT_ISOLATION OFF;", suppressTransaction: true);
        }
    }
}
