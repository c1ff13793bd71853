using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace BillingConsole.Benchmarks;

/// <summary>Heap snapshots of this process with dotnet-gcdump (the repository's local tool: <c>dotnet tool restore</c>),
/// compared by type: what the circuits opened between two snapshots hold, per circuit.</summary>
public static partial class HeapDumps
{
    /// <summary>Writes <c>&lt;dir&gt;/&lt;name&gt;.gcdump</c> of this process and returns its bytes and count per type.</summary>
    public static async Task<Dictionary<string, (long Bytes, long Count)>> CollectAsync(string dir, string name)
    {
        Directory.CreateDirectory(dir);
        var file = Path.Combine(Path.GetFullPath(dir), name + ".gcdump");
        await RunToolAsync($"collect -p {Environment.ProcessId} -o \"{file}\"");
        var report = await RunToolAsync($"report \"{file}\"");
        var types = new Dictionary<string, (long Bytes, long Count)>();
        foreach (Match m in ReportLine().Matches(report))
        {
            // Size buckets ("(Bytes > 10K)") split one type into rows; the comparison wants the type.
            var type = SizeBucket().Replace(m.Groups[3].Value.Trim(), "");
            // The report's first column is the size of one object of the row (the bucket's average for arrays).
            var count = long.Parse(m.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            var bytes = long.Parse(m.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) * count;
            types[type] = types.TryGetValue(type, out var seen) ? (seen.Bytes + bytes, seen.Count + count) : (bytes, count);
        }
        return types;
    }

    /// <summary>The <paramref name="top"/> types that grew most from <paramref name="before"/> to <paramref name="after"/>,
    /// as bytes and objects per one of <paramref name="units"/>.</summary>
    public static void PrintGrowth(TextWriter output, Dictionary<string, (long Bytes, long Count)> before,
        Dictionary<string, (long Bytes, long Count)> after, int units, int top = 30)
    {
        var growth = after.Select(x =>
            {
                var old = before.GetValueOrDefault(x.Key);
                return (Type: x.Key, Bytes: x.Value.Bytes - old.Bytes, Count: x.Value.Count - old.Count);
            })
            .Where(x => x.Bytes > 0).OrderByDescending(x => x.Bytes).ToList();
        var total = growth.Sum(x => x.Bytes);
        output.WriteLine($"heap growth by type, per circuit ({units} circuits; {total / units / 1024.0:N1} KB per circuit in the types that grew):");
        output.WriteLine($"{"KB/circuit",10} {"objects/circuit",16}  type");
        foreach (var (type, bytes, count) in growth.Take(top))
            output.WriteLine($"{bytes / (double)units / 1024,10:N1} {count / (double)units,16:N1}  {type}");
        // Every component instance has one of these: the component count is what a circuit's memory follows.
        var components = growth.FirstOrDefault(x => x.Type.StartsWith("Microsoft.AspNetCore.Components.Server.Circuits.RemoteComponentState", StringComparison.Ordinal));
        output.WriteLine($"components per circuit: {components.Count / (double)units:N1}");
    }

    private static async Task<string> RunToolAsync(string arguments)
    {
        var start = new ProcessStartInfo("dotnet", $"tool run dotnet-gcdump {arguments}")
        {
            WorkingDirectory = RepositoryRoot(), RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet-gcdump did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet-gcdump {arguments} failed ({process.ExitCode}): {await errors} (run `dotnet tool restore`)");
        return await output;
    }

    /// <summary>The folder holding dotnet-tools.json (the tool manifest), found upwards from the program.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "dotnet-tools.json")))
                return dir.FullName;
        throw new InvalidOperationException("dotnet-tools.json not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\s*([\d,]+)\s+([\d,]+)\s+(\S.*)$", RegexOptions.Multiline)]
    private static partial Regex ReportLine();

    [GeneratedRegex(@"\s*\(Bytes > [^)]*\)")]
    private static partial Regex SizeBucket();
}
