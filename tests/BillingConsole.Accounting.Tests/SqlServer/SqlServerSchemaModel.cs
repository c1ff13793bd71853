using Microsoft.SqlServer.Dac;
using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace BillingConsole.Accounting.Tests.SqlServer;

/// <summary>
/// A DacFx model of a SQL Server database (SQL Server 2022), built from a schema script with no server. Each probe is
/// added to it as the body of a stored procedure whose parameters are the ones the probe is sent with, so validating
/// the model resolves every table, column and variable the batch names, the way SQL Server would compile it.
/// </summary>
public sealed class SqlServerSchemaModel : IDisposable
{
    private readonly TSqlModel _model = new(SqlServerVersion.Sql160, new TSqlModelOptions());
    private readonly List<string> _warnings = [];
    private int _probes;

    /// <summary>What <see cref="Verify"/> found worth a look but not wrong.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Builds the model from a script of CREATE TABLE / CREATE INDEX / ALTER TABLE statements (batches separated
    /// by GO, as EF's create script is). DacFx takes one statement per call, so each is added on its own, under its own
    /// source name (adding to a source replaces what that source held).</summary>
    public SqlServerSchemaModel(string schemaScript)
    {
        var (script, errors) = TSqlSyntax.Parse(schemaScript);
        if (errors.Count > 0 || script is null)
            throw new ArgumentException("The schema script does not parse: " + string.Join("; ", errors), nameof(schemaScript));
        var n = 0;
        foreach (var statement in script.Batches.SelectMany(b => b.Statements))
        {
            if (statement is not (CreateTableStatement or CreateIndexStatement or AlterTableAddTableElementStatement))
                throw new ArgumentException($"Not a schema object: {TSqlSyntax.TextOf(statement, schemaScript)}", nameof(schemaScript));
            _model.AddOrUpdateObjects(TSqlSyntax.TextOf(statement, schemaScript), $"schema{++n}", new TSqlObjectOptions());
        }
    }

    /// <summary>Every problem SQL Server would find in the probes, each prefixed with the probe's name; empty when all
    /// of them parse, bind every parameter they use, and compile against the schema. Call it once per model: the
    /// probes stay in the model.</summary>
    public IReadOnlyList<string> Verify(IReadOnlyList<SqlServerProbe> probes)
    {
        var problems = new List<string>();
        var sources = new Dictionary<string, SqlServerProbe>();
        foreach (var probe in probes)
        {
            var (script, syntax) = TSqlSyntax.Parse(probe.Sql);
            if (syntax.Count > 0 || script is null)
            {
                problems.AddRange(syntax.Select(e => $"{probe.Name}: syntax error at {e}"));
                continue;
            }
            var bound = probe.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var unbound = TSqlSyntax.FreeVariables(script).Where(v => !bound.Contains(v)).Order().ToList();
            if (unbound.Count > 0)
            {
                // SQL Server would refuse the batch ("Must declare the scalar variable"); the model could say no more.
                problems.AddRange(unbound.Select(v => $"{probe.Name}: uses @{v}, which is neither declared in the batch nor bound as a parameter"));
                continue;
            }
            var source = $"probe{++_probes}";
            sources[source] = probe;
            try
            {
                var (body, tables) = TableVariables.AsTables(script, probe.Sql, source);
                foreach (var (table, i) in tables.Select((t, i) => (t, i)))
                    _model.AddOrUpdateObjects(table, $"{source}.table{i}", new TSqlObjectOptions());
                _model.AddOrUpdateObjects(AsProcedure(source, probe.Parameters, body), source, new TSqlObjectOptions());
            }
            catch (DacModelException e)
            {
                // Errors that stop DacFx from adding the procedure at all (an undeclared variable, an invalid statement).
                problems.Add($"{probe.Name}: {string.Join(" ", e.Messages.Select(m => m.ToString()))}");
            }
        }
        // A message names its object ("[dbo].[probe3] has an unresolved reference ..."), which maps back to the probe.
        foreach (var message in _model.Validate())
        {
            var name = sources.FirstOrDefault(s => message.Message.Contains($"[{s.Key}]", StringComparison.Ordinal)).Value?.Name ?? "schema";
            (message.MessageType == DacMessageType.Error ? problems : _warnings).Add($"{name}: {message}");
        }
        return problems;
    }

    // The batch is the procedure's body; its parameters become the procedure's, so the model resolves them.
    private static string AsProcedure(string name, IReadOnlyList<(string Name, string Type)> parameters, string body)
    {
        var declared = string.Join(",\n    ", parameters.Select(p => $"@{p.Name} {p.Type}"));
        return $"CREATE PROCEDURE [dbo].[{name}]\n    {declared}\nAS\nBEGIN\n{body}\nEND";
    }

    public void Dispose() => _model.Dispose();
}
