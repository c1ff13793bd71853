using System.Data.Common;
using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Accounting.Tests.Ledger;

/// <summary>A provider's dialect whose guarded writes never land (each batch returns no row and writes nothing), as
/// when concurrent writers keep winning every attempt: the refusal then has no reason the writer can name.</summary>
public sealed class NeverLandingDialect(ILedgerDialect inner) : ILedgerDialect
{
    private const string NoRow = "SELECT NULL WHERE 1 = 0";

    public string PostSql(bool enforceFloor) => NoRow;
    public string ReserveSql => NoRow;
    public string ResolveSql => NoRow;
    public bool NeedsClientTransaction => inner.NeedsClientTransaction;
    public bool IsUniqueViolation(DbException exception) => inner.IsUniqueViolation(exception);
    public bool IsTransient(DbException exception) => inner.IsTransient(exception);
    public bool IsCheckViolation(DbException exception) => inner.IsCheckViolation(exception);
    public void AddParameter(DbParameterCollection parameters, string name, object? value, Type type) => inner.AddParameter(parameters, name, value, type);
}
