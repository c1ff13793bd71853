using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BillingConsole.Db.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "accounts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    email = table.Column<string>(type: "nvarchar(320)", maxLength: 320, nullable: true),
                    currency = table.Column<string>(type: "nvarchar(3)", maxLength: 3, nullable: false),
                    balance = table.Column<long>(type: "bigint", nullable: false),
                    overdraft_floor = table.Column<long>(type: "bigint", nullable: false),
                    last_sequence = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_accounts", x => x.id);
                    table.CheckConstraint("ck_accounts_balance_range", "balance BETWEEN -4000000000000000000 AND 4000000000000000000");
                });

            migrationBuilder.CreateTable(
                name: "catalog_models",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    provider = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    slug = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    display_name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    type = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    context_window = table.Column<int>(type: "int", nullable: false),
                    capabilities = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    enabled = table.Column<bool>(type: "bit", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_catalog_models", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "invariant_checkpoints",
                columns: table => new
                {
                    account_id = table.Column<long>(type: "bigint", nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    balance_after = table.Column<long>(type: "bigint", nullable: false),
                    checked_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invariant_checkpoints", x => x.account_id);
                });

            migrationBuilder.CreateTable(
                name: "invariant_runs",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    mode = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    started_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    finished_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    accounts_checked = table.Column<int>(type: "int", nullable: false),
                    entries_checked = table.Column<long>(type: "bigint", nullable: false),
                    violation_count = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invariant_runs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "request_records",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    account_id = table.Column<long>(type: "bigint", nullable: false),
                    reservation_id = table.Column<long>(type: "bigint", nullable: false),
                    api_key_id = table.Column<long>(type: "bigint", nullable: true),
                    model_id = table.Column<long>(type: "bigint", nullable: false),
                    price_id = table.Column<long>(type: "bigint", nullable: false),
                    provider = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    error_code = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    output_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cached_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cost = table.Column<long>(type: "bigint", nullable: false),
                    market_cost = table.Column<long>(type: "bigint", nullable: false),
                    latency_ms = table.Column<int>(type: "int", nullable: true),
                    ttfb_ms = table.Column<int>(type: "int", nullable: true),
                    streaming = table.Column<bool>(type: "bit", nullable: false),
                    client_ip = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    user_agent = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: true),
                    tags = table.Column<string>(type: "nvarchar(700)", maxLength: 700, nullable: true),
                    started_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    completed_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_request_records", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "usage_rollups",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    account_id = table.Column<long>(type: "bigint", nullable: false),
                    day = table.Column<DateTime>(type: "datetime2", nullable: false),
                    model_id = table.Column<long>(type: "bigint", nullable: false),
                    api_key_id = table.Column<long>(type: "bigint", nullable: false),
                    calls = table.Column<long>(type: "bigint", nullable: false),
                    input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    output_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cached_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cost = table.Column<long>(type: "bigint", nullable: false),
                    market_cost = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_usage_rollups", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    account_id = table.Column<long>(type: "bigint", nullable: false),
                    name = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    prefix = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    secret_hash = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    revoked_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    last_used_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    monthly_spend_limit = table.Column<long>(type: "bigint", nullable: true),
                    spend_month = table.Column<DateTime>(type: "datetime2", nullable: true),
                    spend_committed = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.id);
                    table.ForeignKey(
                        name: "fk_api_keys_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ledger_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    account_id = table.Column<long>(type: "bigint", nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    type = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    balance_after = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    description = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false),
                    source = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    ref_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: true),
                    actor = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    idempotency_key = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    reservation_id = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_entries", x => x.id);
                    table.ForeignKey(
                        name: "fk_ledger_entries_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "reservations",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    account_id = table.Column<long>(type: "bigint", nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    expires_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    resolved_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    cost = table.Column<long>(type: "bigint", nullable: true),
                    api_key_id = table.Column<long>(type: "bigint", nullable: true),
                    model_id = table.Column<long>(type: "bigint", nullable: true),
                    price_id = table.Column<long>(type: "bigint", nullable: true),
                    max_input_tokens = table.Column<long>(type: "bigint", nullable: true),
                    max_output_tokens = table.Column<long>(type: "bigint", nullable: true),
                    tags = table.Column<string>(type: "nvarchar(700)", maxLength: 700, nullable: true),
                    spend_month = table.Column<DateTime>(type: "datetime2", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reservations", x => x.id);
                    table.ForeignKey(
                        name: "fk_reservations_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    email = table.Column<string>(type: "nvarchar(320)", maxLength: 320, nullable: false),
                    display_name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    role = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    account_id = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.id);
                    table.ForeignKey(
                        name: "fk_users_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "model_prices",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    model_id = table.Column<long>(type: "bigint", nullable: false),
                    effective_from = table.Column<DateTime>(type: "datetime2", nullable: false),
                    input_per_million = table.Column<long>(type: "bigint", nullable: false),
                    output_per_million = table.Column<long>(type: "bigint", nullable: false),
                    cached_input_per_million = table.Column<long>(type: "bigint", nullable: false),
                    market_input_per_million = table.Column<long>(type: "bigint", nullable: false),
                    market_output_per_million = table.Column<long>(type: "bigint", nullable: false),
                    market_cached_input_per_million = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_model_prices", x => x.id);
                    table.ForeignKey(
                        name: "fk_model_prices_catalog_models_model_id",
                        column: x => x.model_id,
                        principalTable: "catalog_models",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "invariant_violations",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    account_id = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    detail = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invariant_violations", x => x.id);
                    table.ForeignKey(
                        name: "fk_invariant_violations_invariant_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "invariant_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_accounts_email",
                table: "accounts",
                column: "email");

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_account_id",
                table: "api_keys",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_secret_hash",
                table: "api_keys",
                column: "secret_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_catalog_models_slug",
                table: "catalog_models",
                column: "slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_invariant_runs_started_at",
                table: "invariant_runs",
                column: "started_at");

            migrationBuilder.CreateIndex(
                name: "ix_invariant_violations_run_id",
                table: "invariant_violations",
                column: "run_id");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_account_id_created_at",
                table: "ledger_entries",
                columns: new[] { "account_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_account_id_id",
                table: "ledger_entries",
                columns: new[] { "account_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_account_id_idempotency_key",
                table: "ledger_entries",
                columns: new[] { "account_id", "idempotency_key" },
                unique: true,
                filter: "[idempotency_key] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_account_id_sequence",
                table: "ledger_entries",
                columns: new[] { "account_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_reservation_id",
                table: "ledger_entries",
                column: "reservation_id");

            migrationBuilder.CreateIndex(
                name: "ix_model_prices_model_id_effective_from",
                table: "model_prices",
                columns: new[] { "model_id", "effective_from" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_request_records_account_id_completed_at",
                table: "request_records",
                columns: new[] { "account_id", "completed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_request_records_account_id_id",
                table: "request_records",
                columns: new[] { "account_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_request_records_api_key_id",
                table: "request_records",
                column: "api_key_id");

            migrationBuilder.CreateIndex(
                name: "ix_request_records_reservation_id",
                table: "request_records",
                column: "reservation_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_reservations_account_id_status",
                table: "reservations",
                columns: new[] { "account_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_reservations_api_key_id_status",
                table: "reservations",
                columns: new[] { "api_key_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_reservations_status_expires_at",
                table: "reservations",
                columns: new[] { "status", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_usage_rollups_account_id_day_model_id_api_key_id",
                table: "usage_rollups",
                columns: new[] { "account_id", "day", "model_id", "api_key_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_usage_rollups_api_key_id_day",
                table: "usage_rollups",
                columns: new[] { "api_key_id", "day" });

            migrationBuilder.CreateIndex(
                name: "ix_users_account_id",
                table: "users",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "ix_users_email",
                table: "users",
                column: "email",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "invariant_checkpoints");

            migrationBuilder.DropTable(
                name: "invariant_violations");

            migrationBuilder.DropTable(
                name: "ledger_entries");

            migrationBuilder.DropTable(
                name: "model_prices");

            migrationBuilder.DropTable(
                name: "request_records");

            migrationBuilder.DropTable(
                name: "reservations");

            migrationBuilder.DropTable(
                name: "usage_rollups");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "invariant_runs");

            migrationBuilder.DropTable(
                name: "catalog_models");

            migrationBuilder.DropTable(
                name: "accounts");
        }
    }
}
