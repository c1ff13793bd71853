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
    /// <paramref name="body"/> bytes, and reads the answer.</summary>
    public static async Task<Answer> SendAsync(Uri baseAddress, string head, byte[] body, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.TrimEnd() + "\r\nConnection: close\r\n\r\n"), timeout.Token);
        await stream.WriteAsync(body, timeout.Token);
        var text = await ReadAnswerAsync(stream, timeout.Token);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var lines = text[..split].Split("\r\n");
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        return new Answer(int.Parse(lines[0].Split(' ')[1]), headers, text[(split + 4)..]);
    }

    /// <summary>Reads until the answer is complete (its Content-Length, or the last chunk): the server may wait for
    /// the body it refused and then reset the connection, which must not hide what it already said.</summary>
    private static async Task<string> ReadAnswerAsync(Stream stream, CancellationToken ct)
    {
        var received = new StringBuilder();
        var buffer = new byte[16 * 1024];
        while (!IsComplete(received.ToString()))
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, ct);
            }
            catch (IOException)
            {
                break;
            }
            if (read == 0)
                break;
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        return received.ToString();
    }

    private static bool IsComplete(string text)
    {
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0)
            return false;
        var head = text[..split];
        var body = text[(split + 4)..];
        var length = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is not null
            ? Encoding.UTF8.GetByteCount(body) >= int.Parse(length.Split(':')[1].Trim())
            : body.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
    }
}
