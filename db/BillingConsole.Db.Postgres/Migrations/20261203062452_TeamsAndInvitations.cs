using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace BillingConsole.Db.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class TeamsAndInvitations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_account_members_role",
                table: "account_members");

            // Before teams, "member" had a developer's rights; and a user's default account counted as a membership
            // without a row. From here on membership comes from rows only, so each such user owns their default account.
            migrationBuilder.Sql("UPDATE account_members SET role = 'developer' WHERE role = 'member';");
            migrationBuilder.Sql(
                "INSERT INTO account_members (account_id, user_id, role, created_at) "
                + "SELECT u.account_id, u.id, 'owner', a.created_at FROM users u JOIN accounts a ON a.id = u.account_id "
                + "WHERE NOT EXISTS (SELECT 1 FROM account_members m WHERE m.account_id = u.account_id AND m.user_id = u.id);");

            migrationBuilder.CreateTable(
                name: "account_invitations",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    account_id = table.Column<long>(type: "bigint", nullable: false),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    invited_by = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    accepted_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    accepted_user_id = table.Column<long>(type: "bigint", nullable: true),
                    revoked_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    revoked_by = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_account_invitations", x => x.id);
                    table.CheckConstraint("ck_account_invitations_role", "role IN ('owner', 'developer', 'viewer')");
                    table.ForeignKey(
                        name: "fk_account_invitations_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_account_invitations_users_accepted_user_id",
                        column: x => x.accepted_user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_account_members_role",
                table: "account_members",
                sql: "role IN ('owner', 'developer', 'viewer')");

            migrationBuilder.CreateIndex(
                name: "ix_account_invitations_accepted_user_id",
                table: "account_invitations",
                column: "accepted_user_id");

            migrationBuilder.CreateIndex(
                name: "ix_account_invitations_account_id_email",
                table: "account_invitations",
                columns: new[] { "account_id", "email" },
                unique: true,
                filter: "accepted_at IS NULL AND revoked_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_account_invitations_email",
                table: "account_invitations",
                column: "email");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "account_invitations");

            migrationBuilder.DropCheckConstraint(
                name: "ck_account_members_role",
                table: "account_members");

            // The backfilled owner rows stay: the old code reads them as memberships too.
            migrationBuilder.Sql("UPDATE account_members SET role = 'member' WHERE role <> 'owner';");

            migrationBuilder.AddCheckConstraint(
                name: "ck_account_members_role",
                table: "account_members",
                sql: "role IN ('owner', 'member')");
        }
    }
}
