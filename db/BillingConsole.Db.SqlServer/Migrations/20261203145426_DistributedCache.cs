using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BillingConsole.Db.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class DistributedCache : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "distributed_cache",
                columns: table => new
                {
                    id = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    value = table.Column<byte[]>(type: "varbinary(max)", nullable: false),
                    expires_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_distributed_cache", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_distributed_cache_expires_at",
                table: "distributed_cache",
                column: "expires_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "distributed_cache");
        }
    }
}
