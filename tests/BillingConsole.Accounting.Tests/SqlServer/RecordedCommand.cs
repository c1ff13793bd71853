namespace BillingConsole.Accounting.Tests.SqlServer;

/// <summary>A command the application sent to <see cref="RecordingConnection"/>: its text, its parameters with their
/// T-SQL types, and the application method that sent it (e.g. "LedgerWriter.ExplainRefusalAsync").</summary>
public sealed record RecordedCommand(string Sql, IReadOnlyList<(string Name, string Type)> Parameters, string Caller);
