using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace BillingConsole.Web.Hosting;

/// <summary>
/// A JSON metadata resolver that has none for the framework's abstract ancestors of primitive values (<c>ValueType</c>,
/// <c>Enum</c>, and the interfaces of <c>System</c>, <c>System.Numerics</c> and <c>System.Runtime.Serialization</c>:
/// <c>IComparable</c>, <c>INumber&lt;int&gt;</c>, <c>ISerializable</c>...) and passes every other type to
/// <paramref name="inner"/>. No interop call declares a value as one of those types; the serializer only asks for them
/// while looking for polymorphic configuration, and "none" is the answer it gets for them anyway.
/// Collection interfaces (<c>IEnumerable</c>, <c>IList</c>...) are not filtered: they are real declared types.
/// </summary>
public sealed class AncestorFilter(IJsonTypeInfoResolver inner) : IJsonTypeInfoResolver
{
    public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options) =>
        IsAbstractAncestor(type) ? null : inner.GetTypeInfo(type, options);

    public static bool IsAbstractAncestor(Type type) =>
        type == typeof(ValueType) || type == typeof(Enum) ||
        (type.IsInterface && type.Namespace is "System" or "System.Numerics" or "System.Runtime.Serialization");
}
