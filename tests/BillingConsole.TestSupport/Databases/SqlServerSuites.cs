using System.Reflection;

namespace BillingConsole.TestSupport;

/// <summary>
/// ./test.sh --sqlserver selects the SQL Server suites by <c>[Trait("Provider", "SqlServer")]</c>, so a suite that
/// forgets the trait silently drops out of that run; each test project checks its suites with <see cref="WithoutTrait"/>.
/// </summary>
public static class SqlServerSuites
{
    public const string TraitName = "Provider";
    public const string TraitValue = "SqlServer";

    /// <summary>The test classes of <paramref name="assembly"/> with a SQL Server fixture (a class fixture whose type is
    /// named SqlServer...) but without the trait.</summary>
    public static IReadOnlyList<string> WithoutTrait(Assembly assembly) =>
        [.. assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && UsesSqlServerFixture(t))
            .Where(t => !t.GetCustomAttributes<TraitAttribute>(inherit: true).Any(a => a.Name == TraitName && a.Value == TraitValue))
            .Select(t => t.FullName!)
            .Order()];

    /// <summary>The test classes of <paramref name="assembly"/> that use a SQL Server fixture.</summary>
    public static int Count(Assembly assembly) =>
        assembly.GetTypes().Count(t => t is { IsClass: true, IsAbstract: false } && UsesSqlServerFixture(t));

    private static bool UsesSqlServerFixture(Type type) =>
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IClassFixture<>)
            && i.GetGenericArguments()[0].Name.StartsWith("SqlServer", StringComparison.Ordinal));
}
