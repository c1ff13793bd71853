using System.Data.Common;
using Microsoft.Data.SqlClient;

namespace BillingConsole.Accounting.Tests.SqlServer;

/// <summary>A batch on <see cref="RecordingConnection"/> (the pipelined settle path): each of its commands is recorded,
/// and each gets its own result, as SqlClient's SqlBatch returns them.</summary>
public sealed class RecordingBatch(RecordingConnection connection) : DbBatch
{
    private readonly SqlBatch _commands = new();

    public override int Timeout { get; set; }

    protected override DbBatchCommandCollection DbBatchCommands => _commands.BatchCommands;

    protected override DbConnection? DbConnection { get; set; } = connection;

    protected override DbTransaction? DbTransaction { get; set; }

    public override void Cancel()
    {
    }

    public override void Prepare()
    {
    }

    public override Task PrepareAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    protected override DbBatchCommand CreateDbBatchCommand() => new SqlBatchCommand();

    public override int ExecuteNonQuery()
    {
        RecordAll();
        return _commands.BatchCommands.Count;
    }

    public override object? ExecuteScalar()
    {
        RecordAll();
        return 1L;
    }

    public override Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken = default) => Task.FromResult(ExecuteNonQuery());

    public override Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken = default) => Task.FromResult(ExecuteScalar());

    protected override DbDataReader ExecuteDbDataReader(System.Data.CommandBehavior behavior)
    {
        RecordAll();
        return new RecordingReader(_commands.BatchCommands.Cast<SqlBatchCommand>().Select(c => !connection.ReturnsNoRow(c.CommandText)).ToList());
    }

    protected override Task<DbDataReader> ExecuteDbDataReaderAsync(System.Data.CommandBehavior behavior, CancellationToken cancellationToken) =>
        Task.FromResult(ExecuteDbDataReader(behavior));

    private void RecordAll()
    {
        foreach (SqlBatchCommand command in _commands.BatchCommands)
            connection.Record(command.CommandText, command.Parameters);
    }

    public override ValueTask DisposeAsync()
    {
        _commands.Dispose();
        return base.DisposeAsync();
    }
}
