using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace BillingConsole.Web.Tests.Alerts;

/// <summary>A webhook receiver on 127.0.0.1 (real Kestrel): records every request and answers the next scripted
/// status (200 once the script is used up).</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(string? Id, string? Timestamp, string? Signature, string Body);

    private readonly WebApplication _app;

    public ConcurrentQueue<int> Script { get; } = new();

    public ConcurrentQueue<Received> Requests { get; } = new();

    public Uri Url { get; private set; } = null!;

    private WebhookReceiver(WebApplication app) => _app = app;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            receiver.Requests.Enqueue(new Received(request.Headers["webhook-id"], request.Headers["webhook-timestamp"],
                request.Headers["webhook-signature"], await reader.ReadToEndAsync()));
            return Results.StatusCode(receiver.Script.TryDequeue(out var status) ? status : 200);
        });
        await app.StartAsync();
        receiver.Url = new Uri(app.Urls.First().TrimEnd('/') + "/hook");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
