using System.Net;
using System.Text;
using System.Text.Json;
using BillingConsole.Accounting.Identity;
using BillingConsole.Web.Tests.Auth;
using BillingConsole.Web.Tests.Infrastructure;

namespace BillingConsole.Web.Tests.Reliability;

/// <summary>Regressions found by the fuzzer: form posts whose body cannot be read as a form.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class MalformedFormTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Bodies => new()
    {
        { "multipart/form-data; boundary=x", "{}" },
        { "multipart/form-data", "--x\r\n" },
        { "application/x-www-form-urlencoded", "%zz=%" },
    };

    // Was a 500 (AntiforgeryValidationException out of IsRequestValidAsync) for an unreadable multipart body.
    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task SignOut_UnreadableForm_Is400Problem(string contentType, string body)
    {
        using var client = app.Client();
        using var response = await client.PostAsync("/auth/signout", Content(contentType, body), Ct);

        await AssertProblemAsync(response, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task SwitchAccount_UnreadableForm_IsRefusedWithoutAServerError(string contentType, string body)
    {
        var email = $"malformed-{Guid.NewGuid():N}@example.test";
        await TestData.CreateUserAsync(app.DbFactory, email, Roles.Customer, await TestData.CreateAccountAsync(app.DbFactory));
        using var session = await DevSessions.SignInAsync(app.BaseAddress, email);
        using var response = await session.PostAsync("/auth/switch-account", Content(contentType, body), Ct);

        Assert.InRange((int)response.StatusCode, 400, 499);
    }

    private static ByteArrayContent Content(string contentType, string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string code)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(code, json.RootElement.GetProperty("code").GetString());
    }
}
