using System.Data.Common;

namespace BillingConsole.Accounting.Ledger;

/// <summary>
/// The hot-path SQL of one database provider. Each operation is one statement or one batch (rule 4): the conditional
/// UPDATE of the account row decides success and serializes writers, and the entry insert takes the new balance and
/// sequence from it, so nothing is read and modified in application memory.
/// Every text returns at most one row: id, sequence, amount, balance_after, reservation_id of the appended entry;
/// no row means a guard failed and nothing was written.
/// Parameters: @account_id @amount @type @created_at @description @source @ref_id @actor @idempotency_key
/// @min_balance @max_balance, plus @expires_at (reserve) and @reservation_id @cost @status (resolve).
/// </summary>
public interface ILedgerDialect
{
    /// <summary>Appends one entry. With <paramref name="enforceFloor"/> the new balance must stay at or above the floor.</summary>
    string PostSql(bool enforceFloor);

    /// <summary>Debits @amount as a hold, opens a reservation with @expires_at and appends the reservation entry.</summary>
    string ReserveSql { get; }

    /// <summary>Moves an open reservation to @status with @cost and appends the @type entry for (held − cost).</summary>
    string ResolveSql { get; }

    /// <summary>True when the batch must run inside a client transaction (SQLite); other providers are atomic on their own.</summary>
    bool NeedsClientTransaction { get; }

    bool IsUniqueViolation(DbException exception);

    /// <summary>Adds a parameter the way this provider maps it to the migrated column types.</summary>
    void AddParameter(DbCommand command, string name, object? value);
}

/// <summary>SQL shared by every dialect.</summary>
public static class LedgerSql
{
    public const string EntryColumns =
        "account_id, sequence, type, amount, balance_after, created_at, description, source, ref_id, actor, idempotency_key, reservation_id";

    public const string ReturnedColumns = "id, sequence, amount, balance_after, reservation_id";

    public static string FloorGuard(bool enforceFloor) => enforceFloor ? " AND balance + @amount >= overdraft_floor" : "";
}
