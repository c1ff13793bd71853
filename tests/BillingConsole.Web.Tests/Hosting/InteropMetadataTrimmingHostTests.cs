using System.Runtime.CompilerServices;
using System.Text.Json;
using BillingConsole.Web.Hosting;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;

namespace BillingConsole.Web.Tests.Hosting;

/// <summary>The app's own registrations: what a circuit's scope hands the circuit as its JS runtime.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class InteropMetadataTrimmingHostTests(ConsoleApp app)
{
    [Fact]
    public void CircuitScope_JsRuntime_IsTheFrameworksRuntimeTrimmed()
    {
        using var scope = app.Services.CreateScope();

        var runtime = scope.ServiceProvider.GetRequiredService<IJSRuntime>();

        // The framework's own runtime (the circuit casts it back to its type), one per scope, resolving through the filter.
        Assert.Equal("RemoteJSRuntime", runtime.GetType().Name);
        Assert.IsType<AncestorFilter>(OptionsOf((JSRuntime)runtime).TypeInfoResolver);
        Assert.Same(runtime, scope.ServiceProvider.GetRequiredService<IJSRuntime>());
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_JsonSerializerOptions")]
    private static extern JsonSerializerOptions OptionsOf(JSRuntime runtime);
}
