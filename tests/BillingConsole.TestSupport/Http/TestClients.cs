using System.Net;

namespace BillingConsole.TestSupport;

/// <summary>HTTP clients on a host's real socket, the way a browser or a gateway talks to it.</summary>
public static class TestClients
{
    public static HttpClient Create(Uri baseAddress, string? bearer = null)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress,
        };
        if (bearer is not null)
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }
}
