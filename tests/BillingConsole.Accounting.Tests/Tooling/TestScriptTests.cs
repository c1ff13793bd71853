using System.Diagnostics;

namespace BillingConsole.Accounting.Tests.Tooling;

/// <summary>
/// ./test.sh's own options, through <c>--dry-run</c> (prints the dotnet test command one argument a line and runs the
/// checks, runs no test), with DOCKER_HOST pointing at a socket nothing listens on, so no Docker engine is reachable.
/// </summary>
public sealed class TestScriptTests
{
    private static readonly string Root = FindRoot();

    [Theory]
    [InlineData("--fast", "Speed!=Slow")]
    [InlineData("--filter|FullyQualifiedName~Bank", "FullyQualifiedName~Bank")]
    [InlineData("--fast|--filter|FullyQualifiedName~Bank", "(FullyQualifiedName~Bank)&Speed!=Slow")]
    [InlineData("--filter=FullyQualifiedName~Bank|--fast", "(FullyQualifiedName~Bank)&Speed!=Slow")]
    [InlineData("--sqlserver", "Provider=SqlServer")]
    [InlineData("--sqlserver|--filter|FullyQualifiedName~Bank", "(FullyQualifiedName~Bank)&Provider=SqlServer")]
    public async Task DryRun_OptionsAndCallerFilter_JoinIntoOneFilter(string arguments, string filter)
    {
        var run = await RunAsync([.. arguments.Split('|'), "--dry-run"]);

        var printed = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["dotnet", "test", "BillingConsole.sln"], printed.Take(3));
        Assert.Equal(1, printed.Count(a => a == "--filter"));
        Assert.Equal(filter, printed[Array.IndexOf(printed, "--filter") + 1]);
    }

    [Fact]
    public async Task SqlServer_NoDockerEngine_ExitsNonZeroWithTheReason()
    {
        var run = await RunAsync(["--sqlserver", "--dry-run"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("test.sh --sqlserver: no Docker engine is reachable", run.Error);
    }

    [Fact]
    public async Task SqlServer_WithFast_IsRefused()
    {
        var run = await RunAsync(["--fast", "--sqlserver", "--dry-run"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--fast leaves out every SQL Server suite", run.Error);
        Assert.Empty(run.Out);
    }

    private static async Task<(int ExitCode, string Out, string Error)> RunAsync(string[] arguments)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        info.ArgumentList.Add(Path.Combine(Root, "test.sh"));
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment["DOCKER_HOST"] = $"unix://{Path.Combine(Path.GetTempPath(), $"no-docker-{Guid.NewGuid():N}.sock")}";
        info.Environment.Remove("DOCKER_CONTEXT");
        using var process = Process.Start(info)!;
        var ct = TestContext.Current.CancellationToken;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await output, await error);
    }

    private static string FindRoot()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "BillingConsole.sln")))
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Repository root not found.");
        return root;
    }
}
