using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BillingConsole.Web.Tests.Reliability;

/// <summary>
/// The built console (BillingConsole.Web.dll, copied next to the tests) as a child process: Development, its own
/// database, no demo data, on a fixed loopback port so clients keep one address across restarts. <see cref="Kill"/>
/// sends SIGKILL: no shutdown hook, no flush, no rollback runs.
/// </summary>
public sealed class ConsoleProcess(string provider, string connectionString, IReadOnlyDictionary<string, string>? settings = null) : IDisposable
{
    private Process? _process;
    private readonly Queue<string> _output = new();
    private readonly List<string> _captured = [];

    /// <summary>Lines to keep whole for the test (the rest of the output keeps only its last 200 lines).</summary>
    public Func<string, bool>? Capture { get; init; }

    public IReadOnlyList<string> Captured
    {
        get
        {
            lock (_output)
                return [.. _captured];
        }
    }

    public int Port { get; } = FreePort();
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");
    public int Starts { get; private set; }

    /// <summary>The server process's resident memory now.</summary>
    public long WorkingSetBytes
    {
        get
        {
            _process!.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>The last lines the process wrote, for a failure message.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_output)
                return string.Join("\n", _output);
        }
    }

    public async Task StartAsync(CancellationToken ct)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "BillingConsole.Web.dll");
        var info = new ProcessStartInfo("dotnet", [dll, "--urls", BaseAddress.ToString().TrimEnd('/')])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Database__Provider"] = provider;
        info.Environment["ConnectionStrings__Billing"] = connectionString;
        info.Environment["Demo__Seed"] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        _process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Starts++;
        await WaitUntilServingAsync(ct);
    }

    /// <summary>SIGKILL, then wait until the process is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is null)
            return;
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>SIGTERM, as an orchestrator stops an instance (the host's graceful shutdown runs), then wait until the
    /// process is gone.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (_process is null)
            return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync(ct);
        await _process.WaitForExitAsync(ct);
        _process.Dispose();
        _process = null;
    }

    private async Task WaitUntilServingAsync(CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (_process is { HasExited: true })
                throw new InvalidOperationException($"The console exited with {_process.ExitCode} at start:\n{RecentOutput}");
            try
            {
                // Kestrel listens only once start-up (migrations included) is done: any answer means it is serving.
                using var response = await client.GetAsync("/billing/balance", ct);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            await Task.Delay(100, ct);
        }
        throw new TimeoutException($"The console did not answer within 120 s:\n{RecentOutput}");
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            if (Capture?.Invoke(line) == true)
                _captured.Add(line);
            _output.Enqueue(line);
            while (_output.Count > 200)
                _output.Dequeue();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
            _process.Kill();
        _process?.Dispose();
    }
}
