using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using BillingConsole.Web.Api;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Api;

/// <summary>The OpenAPI document over real HTTP, checked against the app's own endpoint list, so a new API endpoint
/// that the document misses fails here; and the reference page at /api, served anonymously under the CSP.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed partial class OpenApiDocumentTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private async Task<JsonElement> DocumentAsync()
    {
        using var client = app.Client();
        using var response = await client.GetAsync("/openapi/v1.json", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }

    /// <summary>Every API endpoint the app maps: those marked <see cref="ApiEndpointMetadata"/>, the Stripe webhook and
    /// the metering routes, as (METHOD, /path) with route constraints dropped as OpenAPI writes them.</summary>
    private List<(string Method, string Path)> ApiEndpoints() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Endpoint: e, Route: "/" + (e.RoutePattern.RawText ?? "").Trim('/')))
            .Where(x => x.Endpoint.Metadata.GetMetadata<ApiEndpointMetadata>() is not null
                        || x.Route == "/stripe/webhook" || x.Route.StartsWith("/v1/meter/", StringComparison.Ordinal))
            .SelectMany(x => (x.Endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, Constraint().Replace(x.Route, "}"))))
            .Distinct()
            .ToList();

    [GeneratedRegex(":[^}]*}")]
    private static partial Regex Constraint();

    [Fact]
    public async Task Document_Anonymous_ListsEveryApiEndpointWithItsMethod()
    {
        var paths = (await DocumentAsync()).GetProperty("paths");
        var endpoints = ApiEndpoints();

        var missing = endpoints.Where(e => !(paths.TryGetProperty(e.Path, out var item) && item.TryGetProperty(e.Method.ToLowerInvariant(), out _)))
            .Select(e => $"{e.Method} {e.Path}").ToList();
        Assert.True(missing.Count == 0, "Not in /openapi/v1.json: " + string.Join(", ", missing));
        // The surface the contract names is there (an empty endpoint list would make the check vacuous).
        Assert.Contains(("POST", "/stripe/webhook"), endpoints);
        Assert.Contains(("POST", "/v1/meter/settlements:batch"), endpoints);
        Assert.Contains(("GET", "/billing/requests"), endpoints);
        Assert.Contains(("DELETE", "/v1/keys/{id}"), endpoints);
        Assert.Contains(("POST", "/v1/admin/accounts/{id}/suspend"), endpoints);
        Assert.True(endpoints.Count >= 17, $"Only {endpoints.Count} API endpoints found.");
    }

    [Fact]
    public async Task Document_ProblemResponses_AreDocumentedWithTheirCode()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");

        var withoutProblem = new List<string>();
        foreach (var (method, path) in ApiEndpoints())
        {
            var responses = paths.GetProperty(path).GetProperty(method.ToLowerInvariant()).GetProperty("responses");
            var problems = responses.EnumerateObject()
                .Where(r => r.Name.StartsWith('4') && r.Value.TryGetProperty("content", out var c) && c.TryGetProperty("application/problem+json", out _))
                .Select(r => r.Name).ToList();
            if (problems.Count == 0)
                withoutProblem.Add($"{method} {path}");
        }
        Assert.True(withoutProblem.Count == 0, "No problem+json response: " + string.Join(", ", withoutProblem));

        static IEnumerable<string> Codes(JsonElement operation) => operation.GetProperty("responses").EnumerateObject().Select(r => r.Name);
        Assert.Contains("400", Codes(paths.GetProperty("/billing/transactions").GetProperty("get")));
        Assert.Contains("429", Codes(paths.GetProperty("/billing/transactions").GetProperty("get")));
        Assert.Contains("401", Codes(paths.GetProperty("/v1/meter/reservations").GetProperty("post")));
        Assert.Contains("402", Codes(paths.GetProperty("/v1/meter/reservations").GetProperty("post")));
        Assert.Contains("404", Codes(paths.GetProperty("/v1/keys/{id}").GetProperty("delete")));
        var problem = document.GetProperty("components").GetProperty("schemas").GetProperty("ProblemDetails").GetProperty("properties");
        Assert.Equal("string", problem.GetProperty("code").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Document_SecuritySchemes_FollowEachEndpointsPolicy()
    {
        var document = await DocumentAsync();
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        foreach (var name in new[] { "customer_key", "metering_token", "admin_token" })
        {
            Assert.Equal("http", schemes.GetProperty(name).GetProperty("type").GetString());
            Assert.Equal("bearer", schemes.GetProperty(name).GetProperty("scheme").GetString());
        }

        static List<string> Security(JsonElement operation) =>
            operation.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).ToList();
        var paths = document.GetProperty("paths");
        Assert.Equal(["metering_token"], Security(paths.GetProperty("/v1/meter/reservations/{id}/settle").GetProperty("post")));
        Assert.Contains("customer_key", Security(paths.GetProperty("/billing/balance").GetProperty("get")));
        Assert.DoesNotContain("metering_token", Security(paths.GetProperty("/v1/keys").GetProperty("get")));
        Assert.Equal(["admin_token"], Security(paths.GetProperty("/v1/admin/accounts").GetProperty("post")));
        Assert.Equal(["admin_token"], Security(paths.GetProperty("/v1/admin/accounts/{id}/entries").GetProperty("post")));
        Assert.False(paths.GetProperty("/stripe/webhook").GetProperty("post").TryGetProperty("security", out _));
    }

    [Fact]
    public async Task Document_Keys_DescribeScopesExpiryAndInsufficientScope()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");
        var schemas = document.GetProperty("components").GetProperty("schemas");
        JsonElement Resolve(JsonElement schema) =>
            schema.TryGetProperty("$ref", out var reference) ? schemas.GetProperty(reference.GetString()!.Split('/')[^1]) : schema;

        var create = paths.GetProperty("/v1/keys").GetProperty("post");
        var body = Resolve(create.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        var created = Resolve(create.GetProperty("responses").GetProperty("201").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        foreach (var schema in new[] { body, created })
            Assert.All(new[] { "scopes", "expires_at" }, field => Assert.True(schema.GetProperty("properties").TryGetProperty(field, out _), field));
        Assert.Contains("keys:write", body.GetProperty("properties").GetProperty("scopes").GetProperty("description").GetString());
        Assert.Contains("insufficient_scope", create.GetProperty("responses").GetProperty("403").GetProperty("description").GetString());
        Assert.Contains("`billing:read`", paths.GetProperty("/billing/balance").GetProperty("get").GetProperty("responses").GetProperty("403")
            .GetProperty("description").GetString());
        Assert.DoesNotContain("insufficient_scope", paths.GetProperty("/v1/meter/reservations").GetProperty("post").GetProperty("responses")
            .GetProperty("403").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Document_RoleProtectedOperations_DescribeInsufficientRoleAndTheRole()
    {
        var paths = (await DocumentAsync()).GetProperty("paths");
        string Forbidden(string path, string method) =>
            paths.GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty("403").GetProperty("description").GetString()!;

        Assert.Contains("developer role or above in the account (code insufficient_role)", Forbidden("/v1/keys", "post"));
        Assert.Contains("insufficient_role", Forbidden("/v1/keys/{id}", "delete"));
        Assert.DoesNotContain("insufficient_role", Forbidden("/v1/keys", "get"));
        Assert.DoesNotContain("insufficient_role", Forbidden("/billing/balance", "get"));
        // The security schemes and the rate limit apply to the role policies like to the customer one.
        Assert.True(paths.GetProperty("/v1/keys").GetProperty("post").GetProperty("responses").TryGetProperty("429", out _));
    }

    [Fact]
    public async Task Document_Parameters_AreTheBindersNames()
    {
        var paths = (await DocumentAsync()).GetProperty("paths");

        static List<string> Parameters(JsonElement operation) =>
            operation.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToList();
        Assert.Equal(["limit", "before", "from", "to", "format", "download", "type"],
            Parameters(paths.GetProperty("/billing/transactions").GetProperty("get")));
        Assert.Superset(new HashSet<string> { "limit", "before", "from", "to", "format", "download", "key_id", "reservation_id", "tag" },
            Parameters(paths.GetProperty("/billing/requests").GetProperty("get")).ToHashSet());
        Assert.Equal(["id", "from", "to"], Parameters(paths.GetProperty("/v1/keys/{id}/usage").GetProperty("get")));
        Assert.True(paths.GetProperty("/v1/meter/reservations").GetProperty("post").TryGetProperty("requestBody", out _));
    }

    [Fact]
    public async Task Document_RequestBodies_NameTheirRequiredFields()
    {
        var document = await DocumentAsync();
        var schema = document.GetProperty("paths").GetProperty("/v1/meter/reservations").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        if (schema.TryGetProperty("$ref", out var reference))
            schema = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);

        var required = schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Equal(["api_key_id", "idempotency_key", "max_input_tokens", "max_output_tokens", "model"], required.Order());
        Assert.True(schema.GetProperty("properties").TryGetProperty("tags", out _));
    }

    [Fact]
    public async Task Reference_Anonymous_ServesLocalScriptsUnderANonceCsp()
    {
        using var client = app.Client();
        using var page = await client.GetAsync("/api/", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(Ct);
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        var nonce = Regex.Match(csp, "'nonce-([^']+)'").Groups[1].Value;

        Assert.NotEmpty(nonce);
        // Scripts from this site and this response's nonce only: nothing inline by default, no eval, no CDN.
        var scriptSrc = csp.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src ", StringComparison.Ordinal));
        Assert.Equal($"script-src 'self' 'nonce-{nonce}'", scriptSrc);
        var scripts = Regex.Matches(html, "<script[^>]*>").Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, s => Assert.Contains($"nonce=\"{nonce}\"", s));
        Assert.DoesNotContain("https://", html);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/scalar.js", Ct)).StatusCode);

        // Another request gets another nonce: a fixed one would be as weak as 'unsafe-inline'.
        using var again = await client.GetAsync("/api/", Ct);
        Assert.DoesNotContain(nonce, string.Join(";", again.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task Reference_Anonymous_DoesNotOpenTheApis()
    {
        using var client = app.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/billing/balance", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/keys", Ct)).StatusCode);
    }

    [Fact]
    public async Task Reference_UnknownDocumentName_IsNotFoundAndReflectsNothing()
    {
        using var client = app.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1", Ct)).StatusCode);

        var hostile = await client.GetAsync("/api/%3Cscript%3Ealert(1)%3C%2Fscript%3E", Ct);
        Assert.Equal(HttpStatusCode.NotFound, hostile.StatusCode);
        Assert.DoesNotContain("<script>alert(1)", await hostile.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v2", Ct)).StatusCode);
    }
}
