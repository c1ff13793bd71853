using System.Net;
using System.Text.RegularExpressions;

namespace BillingConsole.TestSupport;

/// <summary>Signs an HTTP client in through the development sign-in exactly as a browser does: read the antiforgery
/// token from the rendered form, post the form, keep the cookies.</summary>
public static partial class DevSessions
{
    public static async Task<HttpClient> SignInAsync(Uri baseAddress, string email)
    {
        var client = TestClients.Create(baseAddress);
        var response = await PostFormAsync(client, "/signin", "/auth/dev-signin", new() { ["email"] = email, ["returnUrl"] = "/billing" });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/billing", response.Headers.Location?.OriginalString);
        return client;
    }

    /// <summary>Posts a form to <paramref name="action"/> with the antiforgery token rendered on <paramref name="page"/>
    /// (a page that renders a form for the current user: the sign-in page, or any page with the app bar).</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, string action, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = await AntiforgeryTokenAsync(client, page);
        return await client.PostAsync(action, new FormUrlEncodedContent(fields), Xunit.TestContext.Current.CancellationToken);
    }

    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string page)
    {
        var html = await client.GetStringAsync(page, Xunit.TestContext.Current.CancellationToken);
        var match = TokenInput().Match(html);
        Assert.True(match.Success, $"No antiforgery token on {page}.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }


    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
