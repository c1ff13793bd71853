namespace BillingConsole.Web.Tests.Reliability;

/// <summary>
/// Tests that load the whole machine (the crash and load tests' child processes, the fuzzer's request flood, the
/// benchmark smoke runs). xUnit runs
/// this collection on its own after the parallel ones, so their load cannot push the browser tests past their timeouts
/// and their own figures are not skewed by other tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeavyTestsCollection
{
    public const string Name = "heavy";
}
