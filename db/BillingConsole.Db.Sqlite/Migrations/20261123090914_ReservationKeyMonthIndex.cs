using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BillingConsole.Db.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ReservationKeyMonthIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_reservations_api_key_id_status",
                table: "reservations");

            migrationBuilder.CreateIndex(
                name: "ix_reservations_api_key_id_spend_month",
                table: "reservations",
                columns: new[] { "api_key_id", "spend_month" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_reservations_api_key_id_spend_month",
                table: "reservations");

            migrationBuilder.CreateIndex(
                name: "ix_reservations_api_key_id_status",
                table: "reservations",
                columns: new[] { "api_key_id", "status" });
        }
    }
}
