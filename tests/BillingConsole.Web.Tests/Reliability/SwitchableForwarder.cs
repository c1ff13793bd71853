using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace BillingConsole.Web.Tests.Reliability;

/// <summary>
/// A load balancer in miniature: one loopback address whose new TCP connections go to the current backend port.
/// <see cref="SwitchTo"/> changes where new connections go (open ones stay, as behind a real balancer);
/// <see cref="DropAll"/> cuts every open connection; while <see cref="Hold"/> is on, new connections wait unanswered
/// until <see cref="Release"/>, as during a failover.
/// </summary>
public sealed class SwitchableForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Guid, (TcpClient Client, TcpClient Backend)> _open = new();
    private readonly ConcurrentDictionary<int, int> _connections = new();
    private readonly Task _accepting;
    private volatile int _target;
    private volatile TaskCompletionSource _gate;

    public SwitchableForwarder(int target)
    {
        _target = target;
        _gate = Opened();
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Uri Address => new($"http://127.0.0.1:{Port}/");

    /// <summary>How many connections went to <paramref name="port"/> so far.</summary>
    public int ConnectionsTo(int port) => _connections.GetValueOrDefault(port);

    public void SwitchTo(int port) => _target = port;

    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    public void DropAll()
    {
        foreach (var (id, link) in _open)
        {
            if (_open.TryRemove(id, out _))
                Close(link);
        }
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
                _ = ForwardAsync(await _listener.AcceptTcpClientAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        var id = Guid.NewGuid();
        var backend = new TcpClient();
        try
        {
            await _gate.Task.WaitAsync(_stop.Token);
            var port = _target;
            await backend.ConnectAsync(IPAddress.Loopback, port, _stop.Token);
            _connections.AddOrUpdate(port, 1, (_, n) => n + 1);
            _open[id] = (client, backend);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = client.GetStream().CopyToAsync(backend.GetStream(), either.Token);
            var down = backend.GetStream().CopyToAsync(client.GetStream(), either.Token);
            await Task.WhenAny(up, down);
            await either.CancelAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A closed or refused side ends the link; the browser sees a dropped connection, as with a real balancer.
        }
        finally
        {
            _open.TryRemove(id, out _);
            Close((client, backend));
        }
    }

    private static void Close((TcpClient Client, TcpClient Backend) link)
    {
        link.Client.Dispose();
        link.Backend.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        DropAll();
        await _accepting;
        _stop.Dispose();
    }
}
