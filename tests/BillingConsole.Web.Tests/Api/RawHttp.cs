using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace BillingConsole.Web.Tests.Api;

/// <summary>HTTP/1.1 by hand over a socket, for requests HttpClient will not send: a body that never ends, so a test can
/// see the server answer before it was all sent.</summary>
public static class RawHttp
{
    public sealed record Answer(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        /// <summary>The JSON document in the body (the response may be chunked; a small problem is one chunk).</summary>
        public JsonElement Json()
        {
            var start = Body.IndexOf('{');
            var end = Body.LastIndexOf('}');
            return JsonDocument.Parse(Body[start..(end + 1)]).RootElement.Clone();
        }
    }

    /// <summary>Sends <paramref name="head"/> (request line and headers, "Connection: close" added) and then
    /// <paramref name="body"/> bytes, and reads the answer until the server closes the connection.</summary>
    public static async Task<Answer> SendAsync(Uri baseAddress, string head, byte[] body, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.TrimEnd() + "\r\nConnection: close\r\n\r\n"), timeout.Token);
        await stream.WriteAsync(body, timeout.Token);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, timeout.Token);
        var text = Encoding.UTF8.GetString(received.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var lines = text[..split].Split("\r\n");
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        return new Answer(int.Parse(lines[0].Split(' ')[1]), headers, text[(split + 4)..]);
    }
}
