using System.Data.Common;
using BillingConsole.Accounting.Ledger;
using Microsoft.Data.Sqlite;

namespace BillingConsole.Db.Sqlite;

/// <summary>SQLite: each operation is one batch run in one BEGIN IMMEDIATE transaction (SQLite serializes writers on the
/// database). SQLite has no data-modifying CTEs, so each statement after the first is guarded by <c>changes() = 1</c>:
/// when a guard stops one statement, every later one writes nothing.</summary>
public sealed class SqliteLedgerDialect : ILedgerDialect
{
    private static readonly string PostWithFloor = Post(true);
    private static readonly string PostWithoutFloor = Post(false);

    public string PostSql(bool enforceFloor) => enforceFloor ? PostWithFloor : PostWithoutFloor;

    private static string Post(bool enforceFloor) => $"""
        UPDATE accounts SET balance = balance + @amount, last_sequence = last_sequence + 1
        WHERE id = @account_id AND balance + @amount BETWEEN @min_balance AND @max_balance{LedgerSql.FloorGuard(enforceFloor)};
        INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
        SELECT @account_id, last_sequence, @type, @amount, balance, @created_at, @description, @source, @ref_id, @actor, @idempotency_key, NULL
        FROM accounts WHERE id = @account_id AND changes() = 1
        RETURNING {LedgerSql.ReturnedColumns};
        """;

    public string ReserveSql { get; } = $"""
        UPDATE accounts SET balance = balance - @amount, last_sequence = last_sequence + 1
        WHERE id = @account_id AND balance - @amount >= overdraft_floor AND balance - @amount >= @min_balance;
        INSERT INTO reservations (account_id, amount, status, created_at, expires_at)
        SELECT @account_id, @amount, 'open', @created_at, @expires_at WHERE changes() = 1;
        INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
        SELECT @account_id, a.last_sequence, @type, -@amount, a.balance, @created_at, @description, @source, CAST(r.id AS TEXT), @actor, @idempotency_key, r.id
        FROM accounts a JOIN reservations r ON r.id = last_insert_rowid() AND r.account_id = a.id
        WHERE a.id = @account_id AND changes() = 1
        RETURNING {LedgerSql.ReturnedColumns};
        """;

    public string ResolveSql { get; } = $"""
        UPDATE reservations SET status = @status, resolved_at = @created_at, cost = CASE WHEN @status = 'settled' THEN @cost END
        WHERE id = @reservation_id AND account_id = @account_id AND status = 'open';
        UPDATE accounts SET balance = balance + (SELECT amount - @cost FROM reservations WHERE id = @reservation_id),
            last_sequence = last_sequence + 1
        WHERE id = @account_id AND changes() = 1;
        INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
        SELECT @account_id, a.last_sequence, @type, r.amount - @cost, a.balance, @created_at, @description, @source, CAST(r.id AS TEXT), @actor, NULL, r.id
        FROM accounts a JOIN reservations r ON r.id = @reservation_id
        WHERE a.id = @account_id AND changes() = 1
        RETURNING {LedgerSql.ReturnedColumns};
        """;

    public bool NeedsClientTransaction => true;

    public bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    public void AddParameter(DbCommand command, string name, object? value) =>
        command.Parameters.Add(new SqliteParameter(name, value ?? DBNull.Value));
}
