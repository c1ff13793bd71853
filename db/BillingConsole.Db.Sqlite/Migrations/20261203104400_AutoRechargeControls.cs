using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BillingConsole.Db.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AutoRechargeControls : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "auto_recharge_failures",
                table: "accounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "auto_recharge_last_attempt_amount",
                table: "accounts",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "auto_recharge_last_attempt_at",
                table: "accounts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "auto_recharge_last_outcome",
                table: "accounts",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "payment_method_brand",
                table: "accounts",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "payment_method_last4",
                table: "accounts",
                type: "TEXT",
                maxLength: 4,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "auto_recharge_failures",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "auto_recharge_last_attempt_amount",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "auto_recharge_last_attempt_at",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "auto_recharge_last_outcome",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "payment_method_brand",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "payment_method_last4",
                table: "accounts");
        }
    }
}
