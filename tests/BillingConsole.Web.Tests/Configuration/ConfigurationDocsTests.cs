using System.Reflection;
using BillingConsole.Web.Configuration;

namespace BillingConsole.Web.Tests.Configuration;

/// <summary>docs/operations.md's configuration table is the catalog the code binds (every options class's properties by
/// reflection, plus the raw keys): a key added, removed or given another default fails here with the table to paste.</summary>
public sealed class ConfigurationDocsTests
{
    private const string Start = "<!-- configuration-table:start (generated from ConfigurationCatalog; ConfigurationDocsTests checks it) -->";
    private const string End = "<!-- configuration-table:end -->";

    public static string ExpectedTable() => string.Join("\n",
    [
        "| Key | Default | Secret |",
        "|---|---|---|",
        .. ConfigurationCatalog.Keys.Select(k => $"| `{k.Key}` | {k.Default} | {(k.Secret ? "yes" : "")} |"),
    ]);

    private static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BillingConsole.sln")))
                return Path.Combine(dir.FullName, relative);
        throw new InvalidOperationException("BillingConsole.sln not found above the test output.");
    }

    [Fact]
    public void OperationsGuide_ConfigurationTable_MatchesTheKeysTheCodeBinds()
    {
        var doc = File.ReadAllText(RepositoryFile("docs/operations.md")).ReplaceLineEndings("\n");
        var from = doc.IndexOf(Start, StringComparison.Ordinal);
        var to = doc.IndexOf(End, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, $"docs/operations.md needs the markers {Start} and {End}.");
        var table = doc[(from + Start.Length)..to].Trim();

        Assert.True(table == ExpectedTable(), $"docs/operations.md's configuration table is out of date; paste this between the markers:\n{ExpectedTable()}");
    }

    [Fact]
    public void Catalog_EveryOptionsClassOfTheApp_IsReached()
    {
        var reached = new HashSet<Type>();
        void Reach(Type t)
        {
            if (!reached.Add(t))
                return;
            foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
                var element = type.IsArray ? type.GetElementType()! : type.IsGenericType ? type.GetGenericArguments()[0] : type;
                if (element.Namespace?.StartsWith("BillingConsole", StringComparison.Ordinal) == true && element.IsClass)
                    Reach(element);
            }
        }
        foreach (var (_, options) in ConfigurationCatalog.Sections)
            Reach(options);
        var candidates = new[] { typeof(ConfigurationCatalog).Assembly, typeof(BillingConsole.Accounting.Ledger.Money).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t.IsClass && t.IsPublic && (t.Name.EndsWith("Options", StringComparison.Ordinal) || t.Name.EndsWith("Settings", StringComparison.Ordinal))
                && t.GetConstructor(Type.EmptyTypes) is not null);

        Assert.Empty(candidates.Where(t => !reached.Contains(t)).Select(t => t.FullName));
        Assert.Contains(ConfigurationCatalog.Keys, k => k.Key == "Payments:Packages:{n}:Credits");
        Assert.Contains(ConfigurationCatalog.Keys, k => k.Key == "Stripe:SecretKey" && k.Secret);
        Assert.Contains(ConfigurationCatalog.Keys, k => k.Key == "Workers:HoldExpiryInterval" && k.Default == "00:00:30");
    }
}
