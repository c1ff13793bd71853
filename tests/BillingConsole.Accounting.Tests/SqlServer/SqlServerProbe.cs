namespace BillingConsole.Accounting.Tests.SqlServer;

/// <summary>One T-SQL batch the application can send to SQL Server, with the parameters it is sent with.</summary>
/// <param name="Name">What the failure message calls it, e.g. "SqlServerLedgerDialect.ReserveSql".</param>
/// <param name="Sql">The batch text exactly as sent.</param>
/// <param name="Parameters">Each bound parameter (without its @) and its T-SQL type, e.g. ("amount", "bigint").</param>
public sealed record SqlServerProbe(string Name, string Sql, IReadOnlyList<(string Name, string Type)> Parameters);
