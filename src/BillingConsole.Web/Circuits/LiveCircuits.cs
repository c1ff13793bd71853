using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;

namespace BillingConsole.Web.Circuits;

/// <summary>
/// Pauses this instance's connected circuits when it is asked to stop, so their users carry on on another instance
/// instead of reloading: each browser is told to pause its circuit (the state goes to the browser, protected with the
/// shared Data Protection keys) and to resume it, which the balancer sends elsewhere. The framework stores a circuit's
/// state only when it is paused or evicted, never at shutdown, hence this. Stopping waits until every circuit has gone
/// or <see cref="CircuitPersistenceOptions.ShutdownPauseTimeout"/> passed; new circuits are refused meanwhile, so a
/// resume that reaches this instance again retries and lands on another.
/// </summary>
public sealed partial class LiveCircuits(IHostApplicationLifetime lifetime, IOptions<CircuitPersistenceOptions> options, ILogger<LiveCircuits> log)
{
    /// <summary>The browser function (ReconnectModal.razor.js) that pauses the circuit and resumes it on whichever
    /// instance answers next.</summary>
    public const string PauseForShutdown = "billingConsoleCircuit.pauseForShutdown";

    private readonly ConcurrentDictionary<string, IJSRuntime> _connected = new();
    private volatile bool _stopping;
    private int _registered;

    /// <summary>From the moment the host is asked to stop: new circuits are refused (<see cref="RefuseCircuitsWhileStopping"/>).</summary>
    public bool Stopping => _stopping;

    public void Connected(string circuitId, IJSRuntime js)
    {
        // SignalR closes every connection when the application starts stopping, which would leave nothing to pause.
        // Registered once a circuit connected, so after SignalR's own callback (its connection manager exists by then):
        // token callbacks run last registered first, so this one pauses the circuits before SignalR closes them.
        if (Interlocked.Exchange(ref _registered, 1) == 0)
            lifetime.ApplicationStopping.Register(() => Task.Run(PauseAllAsync).Wait());
        _connected[circuitId] = js;
        if (_stopping)
            AskToPause(circuitId, js);
    }

    public void Gone(string circuitId) => _connected.TryRemove(circuitId, out _);

    private async Task PauseAllAsync()
    {
        _stopping = true;
        if (_connected.IsEmpty)
            return;
        LogPausing(_connected.Count);
        foreach (var (id, js) in _connected)
            AskToPause(id, js);
        var deadline = DateTime.UtcNow + options.Value.ShutdownPauseTimeout;
        while (!_connected.IsEmpty && DateTime.UtcNow < deadline)
            await Task.Delay(100, CancellationToken.None);
        if (!_connected.IsEmpty)
            LogNotPaused(_connected.Count);
    }

    private void AskToPause(string circuitId, IJSRuntime js) => _ = AskToPauseAsync(circuitId, js);

    private async Task AskToPauseAsync(string circuitId, IJSRuntime js)
    {
        try
        {
            await js.InvokeVoidAsync(PauseForShutdown);
        }
        catch (Exception e)
        {
            // The browser may be gone already; the circuit then ends as it would have.
            LogAskFailed(circuitId, e);
        }
    }

    [LoggerMessage(LogLevel.Information, "Stopping: asking the browsers of {Count} circuits to pause and resume on another instance")]
    private partial void LogPausing(int count);

    [LoggerMessage(LogLevel.Warning, "Stopping: {Count} circuits did not pause in time; their pages will reload")]
    private partial void LogNotPaused(int count);

    [LoggerMessage(LogLevel.Debug, "Could not ask circuit {CircuitId} to pause")]
    private partial void LogAskFailed(string circuitId, Exception e);
}
