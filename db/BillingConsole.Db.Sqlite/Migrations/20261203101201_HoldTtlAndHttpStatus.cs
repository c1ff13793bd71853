using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BillingConsole.Db.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class HoldTtlAndHttpStatus : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ttl_seconds",
                table: "reservations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "http_status",
                table: "request_records",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ttl_seconds",
                table: "reservations");

            migrationBuilder.DropColumn(
                name: "http_status",
                table: "request_records");
        }
    }
}
