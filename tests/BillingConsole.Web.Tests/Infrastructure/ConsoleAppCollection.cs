using BillingConsole.TestSupport;

namespace BillingConsole.Web.Tests.Infrastructure;

/// <summary>The API and browser tests that share one demo-seeded <see cref="ConsoleApp"/> (collections must be defined in
/// the test assembly itself).</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleAppCollection : ICollectionFixture<ConsoleApp>
{
    public const string Name = "console app";
}
