using System.Data;
using System.Data.Common;

namespace BillingConsole.Accounting.Tests.SqlServer;

/// <summary>A transaction on <see cref="RecordingConnection"/>: nothing to commit or roll back.</summary>
public sealed class RecordingTransaction(RecordingConnection connection, IsolationLevel isolationLevel) : DbTransaction
{
    public override IsolationLevel IsolationLevel { get; } = isolationLevel;

    protected override DbConnection DbConnection { get; } = connection;

    public override void Commit()
    {
    }

    public override void Rollback()
    {
    }
}
