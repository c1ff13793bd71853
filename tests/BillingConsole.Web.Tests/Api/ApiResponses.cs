using System.Net;
using System.Text.Json;

namespace BillingConsole.Web.Tests.Api;

/// <summary>Reading API answers in tests: the JSON body, and a problem+json with its status and stable code.</summary>
public static class ApiResponses
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    /// <param name="why">What was sent, named in the failure message when the status differs.</param>
    public static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? why = null)
    {
        Assert.True(status == response.StatusCode, $"{why ?? response.RequestMessage?.RequestUri?.ToString()}: expected {status}, got " +
            $"{response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (await JsonAsync(response)).GetProperty("code").GetString());
    }
}
