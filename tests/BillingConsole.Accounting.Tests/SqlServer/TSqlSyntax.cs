using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace BillingConsole.Accounting.Tests.SqlServer;

/// <summary>Parses T-SQL as SQL Server 2022 would (ScriptDom, no server), and lists what a batch declares and uses.</summary>
public static class TSqlSyntax
{
    /// <summary>Parses <paramref name="sql"/>; syntax errors come back as "line L, column C: message".</summary>
    public static (TSqlScript? Script, IReadOnlyList<string> Errors) Parse(string sql)
    {
        var fragment = new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
        return (fragment as TSqlScript,
            errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}").ToList());
    }

    /// <summary>The @variables a batch reads or writes that it does not DECLARE itself: its parameters.</summary>
    public static IReadOnlySet<string> FreeVariables(TSqlFragment batch)
    {
        var visitor = new VariableVisitor();
        batch.Accept(visitor);
        visitor.Used.ExceptWith(visitor.Declared);
        return visitor.Used;
    }

    /// <summary>The text of one parsed fragment, as written.</summary>
    public static string TextOf(TSqlFragment fragment, string sql) => sql.Substring(fragment.StartOffset, fragment.FragmentLength);

    private sealed class VariableVisitor : TSqlFragmentVisitor
    {
        public HashSet<string> Used { get; } = new(StringComparer.OrdinalIgnoreCase);
        public HashSet<string> Declared { get; } = new(StringComparer.OrdinalIgnoreCase);

        public override void Visit(VariableReference node) => Used.Add(node.Name.TrimStart('@'));

        public override void Visit(DeclareVariableElement node) => Declared.Add(node.VariableName.Value.TrimStart('@'));

        public override void Visit(DeclareTableVariableBody node) => Declared.Add(node.VariableName.Value.TrimStart('@'));

        // A table variable used as a table source or DML target (FROM @a, UPDATE @r, INSERT INTO @e) is no VariableReference.
        public override void Visit(VariableTableReference node) => Used.Add(node.Variable.Name.TrimStart('@'));
    }
}
