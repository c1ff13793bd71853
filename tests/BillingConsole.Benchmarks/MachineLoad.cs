namespace BillingConsole.Benchmarks;

/// <summary>How busy the machine is, as Linux reports it: figures taken while other work holds the cores are mostly
/// waiting, so a run prints this next to them.</summary>
public static class MachineLoad
{
    /// <summary>The 1-minute load average and the share of the last 10 s in which some runnable thread waited for a core.</summary>
    public static string Describe()
    {
        var load = Read("/proc/loadavg")?.Split(' ')[0] ?? "?";
        // "some avg10=97.12 avg60=... total=...": the first line of the CPU pressure file.
        var pressure = Read("/proc/pressure/cpu")?.Split('\n')[0].Split(' ').FirstOrDefault(f => f.StartsWith("avg10=", StringComparison.Ordinal))?["avg10=".Length..];
        return $"load average {load} on {Environment.ProcessorCount} cores, CPU pressure (some, 10 s) {pressure ?? "?"}%";
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
