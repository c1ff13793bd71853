using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BillingConsole.Db.SqlServer.Migrations
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
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "auto_recharge_last_attempt_amount",
                table: "accounts",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "auto_recharge_last_attempt_at",
                table: "accounts",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "auto_recharge_last_outcome",
                table: "accounts",
                type: "nvarchar(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "payment_method_brand",
                table: "accounts",
                type: "nvarchar(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "payment_method_last4",
                table: "accounts",
                type: "nvarchar(4)",
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
