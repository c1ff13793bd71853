using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Auth;

/// <summary>Sessions over real HTTP on the development host: switching accounts, signing out, return URLs, antiforgery,
/// security headers, and 404s that do not tell another account's resources from missing ones.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class SessionSecurityTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    private static string Email(string what) => $"{what}-{Guid.NewGuid():N}@example.test";

    [Fact]
    public async Task SwitchAccount_AnotherAccountOfTheUser_MovesTheSession()
    {
        var (a, _, _) = await app.CreateCustomerAsync(Money.FromDollars(3));
        var (b, _, _) = await app.CreateCustomerAsync(Money.FromDollars(7));
        var email = Email("two-accounts");
        await TestData.CreateUserAsync(app.DbFactory, email, Roles.Customer, a, b);
        using var session = await DevSessions.SignInAsync(app.BaseAddress, email);
        Assert.Equal(a, (await JsonAsync(await session.GetAsync("/billing/balance", Ct))).GetProperty("account_id").GetInt64());

        var switched = await DevSessions.PostFormAsync(session, "/billing", "/auth/switch-account",
            new() { ["account_id"] = b.ToString(), ["returnUrl"] = "/keys" });

        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/keys", switched.Headers.Location?.OriginalString);
        var balance = await JsonAsync(await session.GetAsync("/billing/balance", Ct));
        Assert.Equal(b, balance.GetProperty("account_id").GetInt64());
        Assert.Equal(7m, balance.GetProperty("balance").GetDecimal());
        // The app bar offers the switch between the two accounts.
        var page = await session.GetStringAsync("/billing", Ct);
        Assert.Contains("account-switcher", page);
    }

    [Fact]
    public async Task SwitchAccount_AccountTheUserIsNotAMemberOf_RefusedLikeAMissingOne()
    {
        var (a, _, _) = await app.CreateCustomerAsync(Money.FromDollars(1));
        var (other, _, _) = await app.CreateCustomerAsync(Money.FromDollars(1));
        var email = Email("one-account");
        await TestData.CreateUserAsync(app.DbFactory, email, Roles.Customer, a);
        using var session = await DevSessions.SignInAsync(app.BaseAddress, email);

        var refused = await DevSessions.PostFormAsync(session, "/billing", "/auth/switch-account", new() { ["account_id"] = other.ToString() });
        var missing = await DevSessions.PostFormAsync(session, "/billing", "/auth/switch-account", new() { ["account_id"] = "987654321" });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("forbidden", (await JsonAsync(refused)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Equal((await JsonAsync(refused)).GetProperty("detail").GetString(), (await JsonAsync(missing)).GetProperty("detail").GetString());
        Assert.Equal(a, (await JsonAsync(await session.GetAsync("/billing/balance", Ct))).GetProperty("account_id").GetInt64());
    }

    [Fact]
    public async Task SwitchAccountAndSignOut_WithoutAntiforgeryToken_AreRefused()
    {
        var (a, _, _) = await app.CreateCustomerAsync(Money.FromDollars(1));
        var (b, _, _) = await app.CreateCustomerAsync(Money.FromDollars(1));
        var email = Email("csrf");
        await TestData.CreateUserAsync(app.DbFactory, email, Roles.Customer, a, b);
        using var session = await DevSessions.SignInAsync(app.BaseAddress, email);

        var forgedSwitch = await session.PostAsync("/auth/switch-account", new FormUrlEncodedContent([new("account_id", b.ToString())]), Ct);
        var forgedSignOut = await session.PostAsync("/auth/signout", new FormUrlEncodedContent([]), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, forgedSwitch.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forgedSignOut.StatusCode);
        Assert.Equal(a, (await JsonAsync(await session.GetAsync("/billing/balance", Ct))).GetProperty("account_id").GetInt64());

        var signOut = await DevSessions.PostFormAsync(session, "/billing", "/auth/signout", []);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.StartsWith("/signin", signOut.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync("/billing/balance", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("http:/evil.example")]
    [InlineData("/\t/evil.example")]
    [InlineData("/signin?returnUrl=//evil.example")]
    public async Task SignIn_ReturnUrlLeavingTheSite_LandsOnBilling(string returnUrl)
    {
        var (a, _, _) = await app.CreateCustomerAsync(Money.FromDollars(1));
        var (b, _, _) = await app.CreateCustomerAsync(Money.FromDollars(1));
        var email = Email("redirect");
        await TestData.CreateUserAsync(app.DbFactory, email, Roles.Customer, a, b);
        using var client = app.Client();

        var signIn = await DevSessions.PostFormAsync(client, "/signin", "/auth/dev-signin", new() { ["email"] = email, ["returnUrl"] = returnUrl });
        var challenge = await client.GetAsync($"/auth/signin?returnUrl={Uri.EscapeDataString(returnUrl)}", Ct);
        var switched = await DevSessions.PostFormAsync(client, "/billing", "/auth/switch-account",
            new() { ["account_id"] = b.ToString(), ["returnUrl"] = returnUrl });

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/billing", signIn.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.StartsWith("/signin?returnUrl=", challenge.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/billing", switched.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SignIn_LocalReturnUrl_IsKept()
    {
        var (a, _, _) = await app.CreateCustomerAsync(Money.FromDollars(1));
        var email = Email("local");
        await TestData.CreateUserAsync(app.DbFactory, email, Roles.Customer, a);
        using var client = app.Client();

        var signIn = await DevSessions.PostFormAsync(client, "/signin", "/auth/dev-signin", new() { ["email"] = email, ["returnUrl"] = "/keys?tab=usage" });

        Assert.Equal("/keys?tab=usage", signIn.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ApiKey_OfAnotherAccount_AnswersExactlyLikeAMissingOne()
    {
        var (accountA, keyA, _) = await app.CreateCustomerAsync(Money.FromDollars(1));
        var (_, _, secretB) = await app.CreateCustomerAsync(Money.FromDollars(1));
        using var b = app.Client(secretB);

        foreach (var (method, path, body) in new (string, string, string?)[]
                 {
                     ("GET", "/v1/keys/{0}/usage", null), ("PATCH", "/v1/keys/{0}", """{"monthly_spend_limit":1}"""), ("DELETE", "/v1/keys/{0}", null),
                 })
        {
            async Task<(HttpStatusCode, string)> CallAsync(long id)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), string.Format(path, id));
                if (body is not null)
                    request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
                using var response = await b.SendAsync(request, Ct);
                var problem = await JsonAsync(response);
                // Everything but the per-request trace id.
                return (response.StatusCode, $"{problem.GetProperty("code")} {problem.GetProperty("title")} {problem.GetProperty("detail")}");
            }

            var theirs = await CallAsync(keyA);
            var missing = await CallAsync(long.MaxValue - 1);
            Assert.Equal(HttpStatusCode.NotFound, theirs.Item1);
            Assert.Equal(missing, theirs);
        }
        // A's key still works: B's DELETE changed nothing.
        var keys = await app.Services.GetRequiredService<ApiKeyService>().ListAsync(accountA, Ct);
        Assert.Null(keys.Single(k => k.Id == keyA).RevokedAt);
    }

    [Fact]
    public async Task Responses_EveryKind_CarryTheSecurityHeaders()
    {
        var (_, _, secret) = await app.CreateCustomerAsync(Money.FromDollars(1));
        using var anonymous = app.Client();
        using var customer = app.Client(secret);

        var responses = new Dictionary<string, HttpResponseMessage>
        {
            ["page"] = await anonymous.GetAsync("/signin", Ct),
            ["redirect"] = await anonymous.GetAsync("/billing", Ct),
            ["api"] = await customer.GetAsync("/billing/balance", Ct),
            ["problem"] = await anonymous.GetAsync("/billing/balance", Ct),
            ["static"] = await anonymous.GetAsync("/img/logo.svg", Ct),
            ["not found"] = await anonymous.GetAsync("/no-such-page", Ct),
        };

        Assert.Equal(HttpStatusCode.OK, responses["static"].StatusCode);
        foreach (var (what, response) in responses)
        {
            string Header(string name) => response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : $"<no {name} on the {what} response>";
            var csp = Header("Content-Security-Policy");
            Assert.Contains("default-src 'self'", csp);
            Assert.Contains("script-src 'self'", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Contains("object-src 'none'", csp);
            Assert.Contains("form-action 'self'", csp);
            Assert.DoesNotContain("unsafe-eval", csp);
            Assert.Equal("nosniff", Header("X-Content-Type-Options"));
            Assert.Equal("DENY", Header("X-Frame-Options"));
            Assert.Equal("same-origin", Header("Referrer-Policy"));
            Assert.Contains("camera=()", Header("Permissions-Policy"));
            // Development: no HSTS (the console runs on plain http locally).
            Assert.False(response.Headers.Contains("Strict-Transport-Security"), what);
        }
    }
}
