using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.SqlClient;

namespace BillingConsole.Accounting.Tests.SqlServer;

/// <summary>A command on <see cref="RecordingConnection"/>: executing it records it. Its parameters are a real
/// SqlClient collection, so they are typed exactly as the dialect and EF bind them for SQL Server.</summary>
public sealed class RecordingCommand(RecordingConnection connection) : DbCommand
{
    private readonly SqlCommand _parameters = new();

    [AllowNull]
    public override string CommandText { get; set; } = "";

    public override int CommandTimeout { get; set; }

    public override CommandType CommandType { get; set; } = CommandType.Text;

    public override bool DesignTimeVisible { get; set; }

    public override UpdateRowSource UpdatedRowSource { get; set; }

    protected override DbConnection? DbConnection { get; set; } = connection;

    protected override DbParameterCollection DbParameterCollection => _parameters.Parameters;

    protected override DbTransaction? DbTransaction { get; set; }

    public override void Cancel()
    {
    }

    public override void Prepare()
    {
    }

    protected override DbParameter CreateDbParameter() => new SqlParameter();

    public override int ExecuteNonQuery()
    {
        connection.Record(CommandText, Parameters);
        return 1;
    }

    public override object? ExecuteScalar()
    {
        connection.Record(CommandText, Parameters);
        return connection.ReturnsNoRow(CommandText) ? null : 1L;
    }

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
    {
        connection.Record(CommandText, Parameters);
        return new RecordingReader([!connection.ReturnsNoRow(CommandText)]);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _parameters.Dispose();
        base.Dispose(disposing);
    }
}
