using System.Collections;
using System.Data.Common;
using System.Diagnostics;

namespace BillingConsole.Accounting.Tests.SqlServer;

/// <summary>
/// The results <see cref="RecordingConnection"/> answers with: per result, one row or none. A row's columns hold made-up
/// values of whatever type the caller reads (a number is its column's ordinal + 1, so an account's balance and last
/// sequence differ from its checkpoint's; true, "settled", 2026-01-01), which walks the callers through their "found"
/// branches: a hold that is settled, a key that is revoked, an account changed since its last check.
/// </summary>
public sealed class RecordingReader(IReadOnlyList<bool> results) : DbDataReader
{
    /// <summary>The text columns hold: a reservation status that takes a replayed settle down its longest path.</summary>
    public const string Text = "settled";

    private static readonly DateTime Date = new(2026, 1, 1);

    private int _result;
    private int _row = -1;

    // What every ledger batch returns (LedgerSql.ReturnedColumnCount); EF reads columns by ordinal and never asks.
    public override int FieldCount => 8;

    public override int Depth => 0;

    public override bool HasRows => results[_result];

    public override bool IsClosed => false;

    public override int RecordsAffected => 1;

    public override object this[int ordinal] => GetValue(ordinal);

    public override object this[string name] => GetValue(0);

    public override bool Read() => results[_result] && ++_row == 0;

    public override bool NextResult()
    {
        if (_result + 1 >= results.Count)
            return false;
        _result++;
        _row = -1;
        return true;
    }

    public override Task<bool> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(Read());

    public override Task<bool> NextResultAsync(CancellationToken cancellationToken) => Task.FromResult(NextResult());

    public override bool IsDBNull(int ordinal) => false;

    public override Task<bool> IsDBNullAsync(int ordinal, CancellationToken cancellationToken) => Task.FromResult(false);

    public override T GetFieldValue<T>(int ordinal) => (T)Value(typeof(T), ordinal);

    public override Task<T> GetFieldValueAsync<T>(int ordinal, CancellationToken cancellationToken) => Task.FromResult(GetFieldValue<T>(ordinal));

    public override object GetValue(int ordinal) => ordinal + 1L;

    public override int GetValues(object[] values)
    {
        for (var i = 0; i < values.Length; i++)
            values[i] = i + 1L;
        return values.Length;
    }

    public override bool GetBoolean(int ordinal) => true;

    public override byte GetByte(int ordinal) => 1;

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => 0;

    public override char GetChar(int ordinal) => 'x';

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => 0;

    public override string GetDataTypeName(int ordinal) => "bigint";

    public override DateTime GetDateTime(int ordinal) => Date;

    public override decimal GetDecimal(int ordinal) => 1;

    public override double GetDouble(int ordinal) => 1;

    public override Type GetFieldType(int ordinal) => typeof(long);

    public override float GetFloat(int ordinal) => 1;

    public override Guid GetGuid(int ordinal) => Guid.Empty;

    public override short GetInt16(int ordinal) => (short)(ordinal + 1);

    public override int GetInt32(int ordinal) => ordinal + 1;

    public override long GetInt64(int ordinal) => ordinal + 1;

    public override string GetName(int ordinal) => $"c{ordinal}";

    public override int GetOrdinal(string name) => 0;

    public override string GetString(int ordinal) => Text;

    public override IEnumerator GetEnumerator() => Array.Empty<object>().GetEnumerator();

    private static object Value(Type type, int ordinal)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(long) ? ordinal + 1L
            : type == typeof(int) ? ordinal + 1
            : type == typeof(short) ? (short)(ordinal + 1)
            : type == typeof(byte) ? (byte)1
            : type == typeof(bool) ? true
            : type == typeof(decimal) ? 1m
            : type == typeof(double) ? 1d
            : type == typeof(string) ? Text
            : type == typeof(DateTime) ? Date
            : type == typeof(DateOnly) ? DateOnly.FromDateTime(Date)
            : type == typeof(DateTimeOffset) ? new DateTimeOffset(Date, TimeSpan.Zero)
            : type == typeof(TimeSpan) ? TimeSpan.Zero
            : type == typeof(Guid) ? Guid.Empty
            : type == typeof(byte[]) ? Array.Empty<byte>()
            : throw new UnreachableException($"No made-up value of type {type} here.");
    }
}
