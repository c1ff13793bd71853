using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using BillingConsole.Demo;
using BillingConsole.Web.Hosting;

namespace BillingConsole.Web.Tests.Hosting;

/// <summary>The web app references BillingConsole.Demo only to seed Development databases: of its types it names just the
/// seeder's entry point, so no page, API or worker can lean on the generator or the bulk loader.</summary>
public sealed class DemoSeedingBoundaryTests
{
    [Fact]
    public void WebAssembly_DemoTypeReferences_AreOnlyTheSeederEntryPoint()
    {
        var web = typeof(DatabaseOptions).Assembly;
        var demoName = typeof(DemoData).Assembly.GetName().Name;
        using var pe = new PEReader(File.OpenRead(web.Location));
        var metadata = pe.GetMetadataReader();

        var named = metadata.TypeReferences
            .Select(metadata.GetTypeReference)
            .Where(t => t.ResolutionScope.Kind == HandleKind.AssemblyReference
                && metadata.GetString(metadata.GetAssemblyReference((AssemblyReferenceHandle)t.ResolutionScope).Name) == demoName)
            .Select(t => $"{metadata.GetString(t.Namespace)}.{metadata.GetString(t.Name)}")
            .Order()
            .ToList();

        Assert.Equal([typeof(DemoData).FullName!, typeof(DemoSize).FullName!], named);
    }
}
