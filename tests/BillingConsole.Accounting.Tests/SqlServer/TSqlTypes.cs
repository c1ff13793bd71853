using System.Data;
using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.SqlClient;

namespace BillingConsole.Accounting.Tests.SqlServer;

/// <summary>How SqlClient declares a bound parameter to SQL Server (what sp_executesql receives).</summary>
public static class TSqlTypes
{
    public static IReadOnlyList<(string Name, string Type)> Declare(DbParameterCollection parameters) =>
        parameters.Cast<SqlParameter>().Select(p => (p.ParameterName.TrimStart('@'), Of(p))).ToList();

    public static string Of(SqlParameter p) => p.SqlDbType switch
    {
        SqlDbType.BigInt => "bigint",
        SqlDbType.Int => "int",
        SqlDbType.SmallInt => "smallint",
        SqlDbType.TinyInt => "tinyint",
        SqlDbType.Bit => "bit",
        SqlDbType.Date => "date",
        SqlDbType.DateTime => "datetime",
        SqlDbType.DateTime2 => $"datetime2({(p.Scale > 0 ? p.Scale : 7)})",
        SqlDbType.DateTimeOffset => $"datetimeoffset({(p.Scale > 0 ? p.Scale : 7)})",
        SqlDbType.Decimal => $"decimal({(p.Precision > 0 ? p.Precision : 18)}, {p.Scale})",
        SqlDbType.Float => "float",
        SqlDbType.UniqueIdentifier => "uniqueidentifier",
        SqlDbType.NVarChar => $"nvarchar({Length(p.Size, 4000)})",
        SqlDbType.VarChar => $"varchar({Length(p.Size, 8000)})",
        SqlDbType.NChar => $"nchar({Math.Max(p.Size, 1)})",
        SqlDbType.VarBinary => $"varbinary({Length(p.Size, 8000)})",
        var other => throw new UnreachableException($"Parameter {p.ParameterName}: no T-SQL declaration for {other} here."),
    };

    // Size 0 (as long as the value) or -1 declares max: the widest the parameter can be.
    private static string Length(int size, int limit) =>
        size > 0 && size <= limit ? size.ToString(System.Globalization.CultureInfo.InvariantCulture) : "max";
}
