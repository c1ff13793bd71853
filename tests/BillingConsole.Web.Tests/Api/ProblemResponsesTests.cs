using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Api;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Web.Tests.Api;

/// <summary>Errors the framework raises without a body (no route, wrong method, media type, body size, antiforgery)
/// answer problem+json with a stable code on the API, over real HTTP; browser paths keep the friendly page.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class ProblemResponsesTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("GET", "/v1/nope")]
    [InlineData("GET", "/v1")]
    [InlineData("GET", "/billing/nope")]
    [InlineData("GET", "/v1/keys/1/usage/deeper")]
    [InlineData("POST", "/stripe/nope")]
    public async Task UnknownPath_UnderAnApiPrefix_IsNotFoundProblem(string method, string path)
    {
        using var client = app.Client(app.CustomerApiKey);
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task UnknownPath_OutsideTheApi_ShowsTheFriendlyPage()
    {
        using var client = app.Client();
        using var response = await client.GetAsync("/no-such-page", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("DELETE", "/billing/balance", "GET")]
    [InlineData("PUT", "/v1/meter/reservations", "POST")]
    [InlineData("GET", "/stripe/webhook", "POST")]
    public async Task WrongMethod_OnAnApiRoute_Is405ProblemWithAllow(string method, string path, string allowed)
    {
        using var client = app.Client(app.CustomerApiKey);
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        var problem = await AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        Assert.Contains(allowed, response.Content.Headers.Allow);
        Assert.Contains(allowed, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Post_WithANonJsonBody_IsUnsupportedMediaTypeProblemAndCreatesNothing()
    {
        var (accountId, _, secret) = await app.CreateCustomerAsync(Money.FromDollars(1));
        using var client = app.Client(secret);
        var keysBefore = await KeyCountAsync(accountId);

        using var response = await client.PostAsync("/v1/keys", new StringContent("""{"name":"sneaky"}""", Encoding.UTF8, "text/plain"), Ct);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Equal(keysBefore, await KeyCountAsync(accountId));
    }

    [Fact]
    public async Task Post_WithAContentLengthOverTheLimit_Is413BeforeTheBodyIsSentAndWritesNothing()
    {
        var before = await LedgerCountsAsync();

        // Only the head goes out: the server answers from Content-Length alone.
        var answer = await RawHttp.SendAsync(app.BaseAddress,
            $"POST /v1/meter/reservations HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {app.MeteringToken}\r\n" +
            $"Content-Type: application/json\r\nContent-Length: {JsonBody.MaxBytes * 2}", [], Ct);

        AssertRawProblem(answer, 413, "payload_too_large");
        Assert.Equal(before, await LedgerCountsAsync());
    }

    [Fact]
    public async Task Post_WithAChunkedBodyOverTheLimit_Is413WithoutReadingTheRestAndWritesNothing()
    {
        var (_, keyId, _) = await app.CreateCustomerAsync(Money.FromDollars(10));
        var before = await LedgerCountsAsync();
        // A valid reservation padded past the limit inside one JSON string, sent as one chunk with no final chunk:
        // the server can only answer if it stops reading at the limit.
        var json = $$"""{"api_key_id":{{keyId}},"model":"gpt-4o-mini","max_input_tokens":10,"max_output_tokens":10,"idempotency_key":"{{new string('a', (int)JsonBody.MaxBytes)}}"}""";
        var chunk = Encoding.ASCII.GetBytes($"{json.Length:x}\r\n{json}\r\n");

        var answer = await RawHttp.SendAsync(app.BaseAddress,
            $"POST /v1/meter/reservations HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {app.MeteringToken}\r\n" +
            "Content-Type: application/json\r\nTransfer-Encoding: chunked", chunk, Ct);

        AssertRawProblem(answer, 413, "payload_too_large");
        Assert.Equal(before, await LedgerCountsAsync());
    }

    [Fact]
    public async Task Post_WithAChunkedBodyUnderTheLimit_IsAccepted()
    {
        var (_, keyId, _) = await app.CreateCustomerAsync(Money.FromDollars(10));
        using var gateway = app.Client(app.MeteringToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/meter/reservations")
        {
            Content = new StringContent($$"""{"idempotency_key":"{{Guid.NewGuid():N}}","api_key_id":{{keyId}},"model":"gpt-4o-mini","max_input_tokens":10,"max_output_tokens":10}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.TransferEncodingChunked = true;

        using var response = await gateway.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task FormPost_WithoutTheAntiforgeryToken_IsAntiforgeryFailedProblemAndSignsNobodyIn()
    {
        using var client = app.Client();
        using var response = await client.PostAsync("/auth/dev-signin",
            new FormUrlEncodedContent([new("email", "admin@example.test"), new("returnUrl", "/billing")]), Ct);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "antiforgery_failed");
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.Contains("BillingConsole", StringComparison.OrdinalIgnoreCase) && !c.Contains("Antiforgery", StringComparison.OrdinalIgnoreCase)),
            "A refused sign-in must not set a session cookie.");
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(code, json.GetProperty("code").GetString());
        return json;
    }

    private static void AssertRawProblem(RawHttp.Answer answer, int status, string code)
    {
        Assert.True(status == answer.Status, $"{answer.Status}: {answer.Body}");
        Assert.StartsWith("application/problem+json", answer.Headers["Content-Type"]);
        Assert.Equal(code, answer.Json().GetProperty("code").GetString());
    }

    private async Task<int> KeyCountAsync(long accountId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        return await db.ApiKeys.CountAsync(k => k.AccountId == accountId, Ct);
    }

    private async Task<(long Entries, long Reservations)> LedgerCountsAsync()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        return (await db.LedgerEntries.LongCountAsync(Ct), await db.Reservations.LongCountAsync(Ct));
    }
}
