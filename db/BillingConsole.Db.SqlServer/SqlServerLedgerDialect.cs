using System.Data;
using System.Data.Common;
using BillingConsole.Accounting.Ledger;
using Microsoft.Data.SqlClient;

namespace BillingConsole.Db.SqlServer;

/// <summary>SQL Server: each operation is one T-SQL batch with its own transaction (XACT_ABORT rolls it back on any
/// error). The conditional UPDATE's OUTPUT goes to a table variable that the following statements read, so an UPDATE
/// that matched no row leaves every later statement with nothing to write.</summary>
public sealed class SqlServerLedgerDialect : ILedgerDialect
{
    private const string Prologue = """
        SET NOCOUNT ON; SET XACT_ABORT ON;
        DECLARE @a TABLE (balance bigint, last_sequence bigint);
        DECLARE @r TABLE (id bigint, delta bigint);
        BEGIN TRANSACTION;
        """;

    private static readonly string PostWithFloor = Post(true);
    private static readonly string PostWithoutFloor = Post(false);

    public string PostSql(bool enforceFloor) => enforceFloor ? PostWithFloor : PostWithoutFloor;

    private static string Post(bool enforceFloor) => $"""
        {Prologue}
        UPDATE accounts SET balance = balance + @amount, last_sequence = last_sequence + 1
        OUTPUT inserted.balance, inserted.last_sequence INTO @a
        WHERE id = @account_id AND balance + @amount BETWEEN @min_balance AND @max_balance{LedgerSql.FloorGuard(enforceFloor)};
        INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
        OUTPUT {Inserted(LedgerSql.ReturnedColumns)}
        SELECT @account_id, last_sequence, @type, @amount, balance, @created_at, @description, @source, @ref_id, @actor, @idempotency_key, NULL
        FROM @a;
        COMMIT;
        """;

    public string ReserveSql { get; } = $"""
        {Prologue}
        UPDATE accounts SET balance = balance - @amount, last_sequence = last_sequence + 1
        OUTPUT inserted.balance, inserted.last_sequence INTO @a
        WHERE id = @account_id AND balance - @amount >= overdraft_floor AND balance - @amount >= @min_balance;
        INSERT INTO reservations (account_id, amount, status, created_at, expires_at)
        OUTPUT inserted.id, 0 INTO @r
        SELECT @account_id, @amount, 'open', @created_at, @expires_at FROM @a;
        INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
        OUTPUT {Inserted(LedgerSql.ReturnedColumns)}
        SELECT @account_id, a.last_sequence, @type, -@amount, a.balance, @created_at, @description, @source, CAST(r.id AS nvarchar(128)), @actor, @idempotency_key, r.id
        FROM @a a CROSS JOIN @r r;
        COMMIT;
        """;

    public string ResolveSql { get; } = $"""
        {Prologue}
        UPDATE reservations SET status = @status, resolved_at = @created_at, cost = CASE WHEN @status = 'settled' THEN @cost END
        OUTPUT inserted.id, inserted.amount - @cost INTO @r
        WHERE id = @reservation_id AND account_id = @account_id AND status = 'open';
        UPDATE accounts SET balance = balance + (SELECT delta FROM @r), last_sequence = last_sequence + 1
        OUTPUT inserted.balance, inserted.last_sequence INTO @a
        WHERE id = @account_id AND EXISTS (SELECT 1 FROM @r);
        INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
        OUTPUT {Inserted(LedgerSql.ReturnedColumns)}
        SELECT @account_id, a.last_sequence, @type, r.delta, a.balance, @created_at, @description, @source, CAST(r.id AS nvarchar(128)), @actor, NULL, r.id
        FROM @a a CROSS JOIN @r r;
        COMMIT;
        """;

    public bool NeedsClientTransaction => false;

    public bool IsUniqueViolation(DbException exception) => exception is SqlException { Number: 2601 or 2627 };

    public void AddParameter(DbCommand command, string name, object? value)
    {
        var p = new SqlParameter(name, value ?? DBNull.Value)
        {
            SqlDbType = value switch
            {
                long => SqlDbType.BigInt,
                DateTime => SqlDbType.DateTime2,
                _ => SqlDbType.NVarChar,
            },
        };
        if (p.SqlDbType == SqlDbType.NVarChar)
            p.Size = 1000;
        command.Parameters.Add(p);
    }

    private static string Inserted(string columns) =>
        string.Join(", ", columns.Split(", ").Select(c => "inserted." + c));
}
