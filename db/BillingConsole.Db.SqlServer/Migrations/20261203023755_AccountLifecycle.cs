using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BillingConsole.Db.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class AccountLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "provisioning_fingerprint",
                table: "accounts",
                type: "nvarchar(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "provisioning_key",
                table: "accounts",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "status",
                table: "accounts",
                type: "nvarchar(10)",
                maxLength: 10,
                nullable: false,
                defaultValue: "active");

            migrationBuilder.AddColumn<DateTime>(
                name: "status_changed_at",
                table: "accounts",
                type: "datetime2",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_accounts_provisioning_key",
                table: "accounts",
                column: "provisioning_key",
                unique: true,
                filter: "[provisioning_key] IS NOT NULL");

            migrationBuilder.AddCheckConstraint(
                name: "ck_accounts_status",
                table: "accounts",
                sql: "status IN ('active', 'suspended', 'closed')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_accounts_provisioning_key",
                table: "accounts");

            migrationBuilder.DropCheckConstraint(
                name: "ck_accounts_status",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "provisioning_fingerprint",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "provisioning_key",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "status",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "status_changed_at",
                table: "accounts");
        }
    }
}
