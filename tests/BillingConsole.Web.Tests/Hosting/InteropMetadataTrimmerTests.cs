using System.Collections;
using System.Numerics;
using System.Runtime.Serialization;
using System.Text.Json;
using BillingConsole.Web.Hosting;
using Microsoft.JSInterop;
using Microsoft.JSInterop.Infrastructure;

namespace BillingConsole.Web.Tests.Hosting;

public sealed class InteropMetadataTrimmerTests
{
    [Fact]
    public void Trim_FreshRuntime_ArgumentsStillSerializeWithoutAncestorMetadata()
    {
        var runtime = new RecordingJsRuntime();
        InteropMetadataTrimmer.Trim(runtime);

        _ = runtime.InvokeVoidAsync("mudElementRef.focus", 42, "name", true, 1.5, new Dictionary<string, int> { ["md"] = 960 });

        Assert.Equal("""[42,"name",true,1.5,{"md":960}]""", runtime.LastArguments);
        Assert.True(runtime.Options.TryGetTypeInfo(typeof(int), out _));
        Assert.True(runtime.Options.TryGetTypeInfo(typeof(IEnumerable<int>), out _));
        // What the serializer asked for while writing the int (its ~30 interfaces) now has no metadata in this circuit.
        Assert.False(runtime.Options.TryGetTypeInfo(typeof(INumber<int>), out _));
        Assert.False(runtime.Options.TryGetTypeInfo(typeof(IComparable), out _));
    }

    [Fact]
    public void Trim_RuntimeAlreadyUsed_LeavesItsOptionsAlone()
    {
        var runtime = new RecordingJsRuntime();
        _ = runtime.InvokeVoidAsync("first", 1);

        InteropMetadataTrimmer.Trim(runtime);

        _ = runtime.InvokeVoidAsync("second", 2);
        Assert.Equal("[2]", runtime.LastArguments);
        Assert.IsNotType<AncestorFilter>(runtime.Options.TypeInfoResolver);
    }

    [Theory]
    [InlineData(typeof(ValueType), true)]
    [InlineData(typeof(Enum), true)]
    [InlineData(typeof(IComparable<int>), true)]
    [InlineData(typeof(IAdditionOperators<int, int, int>), true)]
    [InlineData(typeof(ISerializable), true)]
    [InlineData(typeof(object), false)]
    [InlineData(typeof(int), false)]
    [InlineData(typeof(IEnumerable), false)]
    [InlineData(typeof(IReadOnlyList<string>), false)]
    [InlineData(typeof(IDictionary<string, int>), false)]
    public void IsAbstractAncestor_Type_OnlyTheFrameworksAbstractAncestors(Type type, bool filtered) =>
        Assert.Equal(filtered, AncestorFilter.IsAbstractAncestor(type));

    /// <summary>A JS runtime that records the arguments of each call (the calls never complete: nothing answers them).</summary>
    private sealed class RecordingJsRuntime : JSRuntime
    {
        public string? LastArguments { get; private set; }

        public JsonSerializerOptions Options => JsonSerializerOptions;

        protected override void BeginInvokeJS(long taskId, string identifier, string? argsJson, JSCallResultType resultType, long targetInstanceId) =>
            LastArguments = argsJson;

        protected override void EndInvokeDotNet(DotNetInvocationInfo invocationInfo, in DotNetInvocationResult invocationResult)
        {
        }
    }
}
