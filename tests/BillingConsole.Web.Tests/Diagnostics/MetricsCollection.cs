namespace BillingConsole.Web.Tests.Diagnostics;

/// <summary>Tests that scrape /metrics run alone. The runtime's meters (ASP.NET Core's, the workers') share names across
/// every host in the test process, and a host disposed by a parallel test drops those streams from another host's
/// OpenTelemetry provider mid-test; one host per process, as in production, has no such neighbour.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "metrics (alone)";
}
