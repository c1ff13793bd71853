using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.JSInterop;

namespace BillingConsole.Web.Hosting;

/// <summary>
/// Keeps each circuit's JS interop serializer from building metadata it never uses. Every circuit's
/// <see cref="JSRuntime"/> has its own <see cref="JsonSerializerOptions"/> (its converters are bound to it), so its
/// metadata cache is per circuit; and System.Text.Json, writing a value passed as <c>object</c> (every interop argument),
/// looks for a polymorphic ancestor by resolving the metadata of each base type and interface of the value's type: for
/// an <c>int</c> some 30 generic-math and parsing interfaces (docs/performance.md, scenario 6). <see cref="AncestorFilter"/>
/// answers "no metadata" for those, which is what that lookup finds for them anyway.
/// </summary>
public static class InteropMetadataTrimmer
{
    /// <summary>Decorates the circuit's <see cref="IJSRuntime"/> registration (call after the interactive server
    /// components are added): the runtime is trimmed when it is created, before it serializes anything (the circuit
    /// uses it before any circuit handler runs).</summary>
    public static IServiceCollection TrimInteropMetadata(this IServiceCollection services)
    {
        var original = services.LastOrDefault(d => d.ServiceType == typeof(IJSRuntime) && !d.IsKeyedService);
        if (original is not { Lifetime: ServiceLifetime.Scoped })
            return services;
        services.Remove(original);
        services.AddScoped(provider => Trim(Create(provider, original)));
        return services;
    }

    /// <summary>Puts <see cref="AncestorFilter"/> in front of the runtime's resolver while its options are still mutable.</summary>
    public static IJSRuntime Trim(IJSRuntime js)
    {
        if (js is JSRuntime runtime && JsonSerializer.IsReflectionEnabledByDefault)
        {
            var options = SerializerOptionsOf(runtime);
            // The runtime leaves the resolver unset, for the serializer to fill in with the reflection-based default.
            if (!options.IsReadOnly && options.TypeInfoResolver is not AncestorFilter)
                options.TypeInfoResolver = new AncestorFilter(options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver());
        }
        return js;
    }

    private static IJSRuntime Create(IServiceProvider provider, ServiceDescriptor original) =>
        original.ImplementationFactory is { } factory ? (IJSRuntime)factory(provider)
        : original.ImplementationInstance is IJSRuntime instance ? instance
        : (IJSRuntime)ActivatorUtilities.CreateInstance(provider, original.ImplementationType!);

    // JSRuntime.JsonSerializerOptions is protected: read without reflection, checked against the member's signature.
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_JsonSerializerOptions")]
    private static extern JsonSerializerOptions SerializerOptionsOf(JSRuntime runtime);
}
