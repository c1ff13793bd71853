using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace BillingConsole.Accounting.Tests.SqlServer;

/// <summary>
/// DacFx does not resolve the columns of a table variable (a misspelt <c>@e.balance_after</c> passes validation), and
/// the ledger batches keep most of their state in table variables. So before a batch goes into the model each
/// <c>DECLARE @x TABLE (...)</c> becomes a real table of the same definition, named "[probe @x]", and every use of
/// @x as a table names that table instead: then the model checks those columns like any other.
/// </summary>
public static class TableVariables
{
    /// <summary>The batch with its table variables replaced, and the CREATE TABLE of each replacement.</summary>
    public static (string Sql, IReadOnlyList<string> Tables) AsTables(TSqlFragment batch, string sql, string prefix)
    {
        var visitor = new Visitor();
        batch.Accept(visitor);
        var tables = new List<string>();
        var edits = new List<(int Offset, int Length, string Text)>();
        foreach (var declare in visitor.Declarations)
        {
            var name = declare.Body.VariableName.Value;
            var table = $"[dbo].[{prefix} {name}]";
            tables.Add($"CREATE TABLE {table} ({TSqlSyntax.TextOf(declare.Body.Definition, sql)})");
            edits.Add((declare.StartOffset, declare.FragmentLength, $"/* {name} is {table} */"));
        }
        var declared = visitor.Declarations.Select(d => d.Body.VariableName.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var use in visitor.Uses.Where(u => declared.Contains(u.Variable.Name)))
            edits.Add((use.Variable.StartOffset, use.Variable.FragmentLength, $"[dbo].[{prefix} {use.Variable.Name}]"));
        var text = sql;
        foreach (var (offset, length, replacement) in edits.OrderByDescending(e => e.Offset))
            text = text[..offset] + replacement + text[(offset + length)..];
        return (text, tables);
    }

    private sealed class Visitor : TSqlFragmentVisitor
    {
        public List<DeclareTableVariableStatement> Declarations { get; } = [];
        public List<VariableTableReference> Uses { get; } = [];

        public override void Visit(DeclareTableVariableStatement node) => Declarations.Add(node);

        public override void Visit(VariableTableReference node) => Uses.Add(node);
    }
}
