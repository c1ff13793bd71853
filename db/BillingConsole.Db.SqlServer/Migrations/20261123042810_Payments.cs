using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BillingConsole.Db.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class Payments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "auto_recharge_amount",
                table: "accounts",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "auto_recharge_enabled",
                table: "accounts",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "auto_recharge_failure",
                table: "accounts",
                type: "nvarchar(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "auto_recharge_monthly_cap",
                table: "accounts",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "auto_recharge_pending_at",
                table: "accounts",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "auto_recharge_sequence",
                table: "accounts",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "auto_recharge_threshold",
                table: "accounts",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "stripe_customer_id",
                table: "accounts",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "stripe_payment_method_id",
                table: "accounts",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "stripe_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    event_id = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: false),
                    type = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    object_id = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: true),
                    payment_intent_id = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: true),
                    account_id = table.Column<long>(type: "bigint", nullable: true),
                    amount_cents = table.Column<long>(type: "bigint", nullable: true),
                    livemode = table.Column<bool>(type: "bit", nullable: false),
                    api_version = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    received_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    processed_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    deliveries = table.Column<int>(type: "int", nullable: false),
                    outcome = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    detail = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    payload = table.Column<string>(type: "nvarchar(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stripe_events", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_stripe_events_created_at",
                table: "stripe_events",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_stripe_events_event_id",
                table: "stripe_events",
                column: "event_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_stripe_events_object_id",
                table: "stripe_events",
                column: "object_id");

            migrationBuilder.CreateIndex(
                name: "ix_stripe_events_payment_intent_id",
                table: "stripe_events",
                column: "payment_intent_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "stripe_events");

            migrationBuilder.DropColumn(
                name: "auto_recharge_amount",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "auto_recharge_enabled",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "auto_recharge_failure",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "auto_recharge_monthly_cap",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "auto_recharge_pending_at",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "auto_recharge_sequence",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "auto_recharge_threshold",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "stripe_customer_id",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "stripe_payment_method_id",
                table: "accounts");
        }
    }
}
