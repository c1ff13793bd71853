using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BillingConsole.Db.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class WorkerLeasesAndDataProtectionKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    friendly_name = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    xml = table.Column<string>(type: "nvarchar(max)", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_protection_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "worker_leases",
                columns: table => new
                {
                    name = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    holder = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    acquired_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    expires_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    run_count = table.Column<long>(type: "bigint", nullable: false),
                    last_run_started_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    last_run_finished_at = table.Column<DateTime>(type: "datetime2", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_worker_leases", x => x.name);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropTable(
                name: "worker_leases");
        }
    }
}
