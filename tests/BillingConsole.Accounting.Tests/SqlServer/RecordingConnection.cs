using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace BillingConsole.Accounting.Tests.SqlServer;

/// <summary>
/// A stand-in for a SQL Server connection: EF Core's SQL Server provider and the ledger writer run their real code
/// paths over it and it records every command they send, with SqlClient parameters as the SQL Server dialect binds
/// them. It answers each query with one row of made-up values (see <see cref="RecordingReader"/>), or with none when
/// <see cref="ReturnsNoRow"/> says so (a ledger batch whose guard refused), to steer the caller down its other paths.
/// </summary>
public sealed class RecordingConnection : DbConnection
{
    private readonly List<RecordedCommand> _commands = [];
    private ConnectionState _state = ConnectionState.Closed;

    public IReadOnlyList<RecordedCommand> Commands => _commands;

    /// <summary>Which command texts get an empty result.</summary>
    public Func<string, bool> ReturnsNoRow { get; set; } = _ => false;

    [AllowNull]
    public override string ConnectionString { get; set; } = "Server=recording;Database=verify";

    public override string Database => "verify";

    public override string DataSource => "recording";

    public override string ServerVersion => "16.00.1000";

    public override ConnectionState State => _state;

    public override void Open() => _state = ConnectionState.Open;

    public override void Close() => _state = ConnectionState.Closed;

    public override void ChangeDatabase(string databaseName) => throw new NotSupportedException();

    public override bool CanCreateBatch => true;

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => new RecordingTransaction(this, isolationLevel);

    protected override DbCommand CreateDbCommand() => new RecordingCommand(this);

    protected override DbBatch CreateDbBatch() => new RecordingBatch(this);

    internal void Record(string sql, DbParameterCollection parameters) =>
        _commands.Add(new RecordedCommand(sql, TSqlTypes.Declare(parameters), Caller(new StackTrace())));

    /// <summary>The application method (outside EF and this test project) that sent the command; async methods show up
    /// as their state machine, named "&lt;Method&gt;d__N" inside the declaring type.</summary>
    private static string Caller(StackTrace trace)
    {
        foreach (var frame in trace.GetFrames())
        {
            var method = frame.GetMethod();
            var type = method?.DeclaringType;
            if (method is null || type is null || type.Assembly == typeof(RecordingConnection).Assembly
                || type.Namespace?.StartsWith("BillingConsole.", StringComparison.Ordinal) != true)
                continue;
            var name = method.Name;
            while (type.Name.StartsWith('<') && type.DeclaringType is { } outer)
            {
                name = type.Name;
                type = outer;
            }
            var end = name.IndexOf('>');
            return $"{type.Name}.{(name.StartsWith('<') && end > 1 ? name[1..end] : name)}";
        }
        return "unknown caller";
    }
}
