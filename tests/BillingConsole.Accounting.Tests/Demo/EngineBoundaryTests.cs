using BillingConsole.Accounting.Ledger;
using BillingConsole.Demo;

namespace BillingConsole.Accounting.Tests.Demo;

/// <summary>Demo and benchmark seeding live in BillingConsole.Demo: the engine keeps only the production write path.</summary>
public sealed class EngineBoundaryTests
{
    [Fact]
    public void EngineAssembly_AfterDemoMove_NeitherReferencesNorHoldsDemoSeeding()
    {
        var engine = typeof(LedgerWriter).Assembly;
        var demo = typeof(DemoData).Assembly;

        Assert.NotEqual(engine, demo);
        Assert.DoesNotContain(engine.GetReferencedAssemblies(), a => a.Name == demo.GetName().Name);
        // The seeding classes by name, so one moved back into the engine under another namespace is caught too.
        var seeding = TopLevel(demo).Where(t => t.Namespace == "BillingConsole.Demo").Select(t => t.Name).ToHashSet();
        Assert.Contains(nameof(BulkTrafficLoader), seeding);
        Assert.DoesNotContain(TopLevel(engine), t => t.Namespace?.Contains(".Demo") == true || seeding.Contains(t.Name));
    }

    /// <summary>Classes, records and enums as written (compiler-generated helper types share names across assemblies).</summary>
    private static IEnumerable<Type> TopLevel(System.Reflection.Assembly assembly) =>
        assembly.GetTypes().Where(t => !t.IsNested && !t.Name.StartsWith('<'));
}
