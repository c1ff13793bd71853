using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BillingConsole.Db.Sqlite.Migrations
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
            // SQLite drops the old role CHECK only in the table rebuild at the end of this migration, so it is switched
            // off around these two statements; the rebuild's copy then checks every row against the new CHECK.
            migrationBuilder.Sql("PRAGMA ignore_check_constraints = 1;");
            migrationBuilder.Sql("UPDATE account_members SET role = 'developer' WHERE role = 'member';");
            migrationBuilder.Sql(
                "INSERT INTO account_members (account_id, user_id, role, created_at) "
                + "SELECT u.account_id, u.id, 'owner', a.created_at FROM users u JOIN accounts a ON a.id = u.account_id "
                + "WHERE NOT EXISTS (SELECT 1 FROM account_members m WHERE m.account_id = u.account_id AND m.user_id = u.id);");
            migrationBuilder.Sql("PRAGMA ignore_check_constraints = 0;");

            migrationBuilder.CreateTable(
                name: "account_invitations",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    account_id = table.Column<long>(type: "INTEGER", nullable: false),
                    email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    invited_by = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    accepted_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    accepted_user_id = table.Column<long>(type: "INTEGER", nullable: true),
                    revoked_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    revoked_by = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true)
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
            migrationBuilder.Sql("PRAGMA ignore_check_constraints = 1;");
            migrationBuilder.Sql("UPDATE account_members SET role = 'member' WHERE role <> 'owner';");
            migrationBuilder.Sql("PRAGMA ignore_check_constraints = 0;");

            migrationBuilder.AddCheckConstraint(
                name: "ck_account_members_role",
                table: "account_members",
                sql: "role IN ('owner', 'member')");
        }
    }
}
