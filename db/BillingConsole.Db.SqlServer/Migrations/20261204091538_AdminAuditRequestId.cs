using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BillingConsole.Db.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class AdminAuditRequestId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "request_id",
                table: "admin_audit_log",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_admin_audit_log_request_id",
                table: "admin_audit_log",
                column: "request_id",
                unique: true,
                filter: "[request_id] IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_admin_audit_log_request_id",
                table: "admin_audit_log");

            migrationBuilder.DropColumn(
                name: "request_id",
                table: "admin_audit_log");
        }
    }
}
