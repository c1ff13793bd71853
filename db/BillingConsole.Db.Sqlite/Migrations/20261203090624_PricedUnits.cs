using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BillingConsole.Db.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PricedUnits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "quantity",
                table: "usage_rollups",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "max_quantity",
                table: "reservations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "quantity",
                table: "request_records",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "market_unit_price",
                table: "model_prices",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "unit_price",
                table: "model_prices",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "unit",
                table: "catalog_models",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "tokens");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "quantity",
                table: "usage_rollups");

            migrationBuilder.DropColumn(
                name: "max_quantity",
                table: "reservations");

            migrationBuilder.DropColumn(
                name: "quantity",
                table: "request_records");

            migrationBuilder.DropColumn(
                name: "market_unit_price",
                table: "model_prices");

            migrationBuilder.DropColumn(
                name: "unit_price",
                table: "model_prices");

            migrationBuilder.DropColumn(
                name: "unit",
                table: "catalog_models");
        }
    }
}
