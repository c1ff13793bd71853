using System.Net;
using System.Text;
using System.Text.Json;
using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Web.Api;
using BillingConsole.Web.Auth;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Auth;

/// <summary>
/// Every endpoint and page of the running app (read from its EndpointDataSource) × every kind of caller, over real HTTP:
/// the expected status follows from the endpoint's declared policy and, for customer endpoints, its declared account role
/// (<see cref="AccountAccessAttribute"/>): owner, developer and viewer sessions of account A are
/// let in from that role up and refused below it. A new endpoint without a policy, or a customer one without a role,
/// fails the first test; a new endpoint with route parameters needs a row in <see cref="RouteValues"/> before the matrix
/// can call it.
/// </summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class AuthorizationMatrixTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public enum Caller { Anonymous, CustomerB, Admin, Metering, AdminToken, Viewer, Developer, Owner, CustomerAKey, CustomerA }

    /// <summary>The role in account A of each member caller (CustomerA is an owner too, with A as default account).</summary>
    public static readonly IReadOnlyDictionary<Caller, string> MemberRoles = new Dictionary<Caller, string>
    {
        [Caller.Viewer] = AccountRoles.Viewer,
        [Caller.Developer] = AccountRoles.Developer,
        [Caller.Owner] = AccountRoles.Owner,
        [Caller.CustomerA] = AccountRoles.Owner,
    };

    private IReadOnlyList<EndpointAccess> Endpoints() => EndpointPolicies.Read(app.Services.GetRequiredService<EndpointDataSource>());

    [Fact]
    public void Endpoints_EveryRouteAndPage_DeclareAPolicyOrAreAllowListedAnonymous()
    {
        var endpoints = Endpoints();
        var violations = endpoints.Select(EndpointPolicies.Violation).OfType<string>().ToList();

        Assert.True(violations.Count == 0, string.Join("\n", violations));
        // The known surface is all there (a wrong classification would make the matrix vacuous).
        Assert.Contains(endpoints, e => e.Key == "GET /billing/balance" && e.Access == Access.Customer && e.IsApi);
        Assert.Contains(endpoints, e => e.Key == "DELETE /v1/keys/{id}" && e.Access == Access.Customer && e.KeyScope == ApiKeyScopes.KeysWrite);
        Assert.Contains(endpoints, e => e.Key == "GET /billing/invoice" && e.KeyScope == ApiKeyScopes.BillingRead);
        Assert.Contains(endpoints, e => e.Key == "GET /v1/keys" && e.KeyScope == ApiKeyScopes.BillingRead);
        Assert.Contains(endpoints, e => e.Key == "POST /v1/meter/reservations" && e.Access == Access.Metering);
        Assert.Contains(endpoints, e => e.Key == "POST /v1/admin/accounts" && e.Access == Access.AdminToken && e.IsApi);
        Assert.Contains(endpoints, e => e.Key == "POST /v1/admin/accounts/{id}/close" && e.Access == Access.AdminToken);
        Assert.Contains(endpoints, e => e.Key == "POST /v1/admin/accounts/{id}/invitations" && e.Access == Access.AdminToken && e.IsApi);
        Assert.Contains(endpoints, e => e.Key == "GET /admin/whoami" && e.Access == Access.BillingAdmin);
        Assert.Contains(endpoints, e => e.Key == "POST /auth/switch-account" && e.Access == Access.Session);
        Assert.Contains(endpoints, e => e.Key == "GET /billing" && e.Access == Access.Customer && e.IsPage);
        Assert.Contains(endpoints, e => e.Key == "GET /billing/balance" && e.MinimumRole == AccountRoles.Viewer);
        Assert.Contains(endpoints, e => e.Key == "GET /v1/keys" && e.MinimumRole == AccountRoles.Viewer);
        Assert.Contains(endpoints, e => e.Key == "POST /v1/keys" && e.MinimumRole == AccountRoles.Developer);
        Assert.Contains(endpoints, e => e.Key == "GET /keys" && e.IsPage && e.MinimumRole == AccountRoles.Viewer);
        Assert.Contains(endpoints, e => e.Key == "GET /billing/checkout/success" && e.IsPage && e.MinimumRole == AccountRoles.Owner);
        Assert.Contains(endpoints, e => e.Key == "GET /signin" && e.Access == Access.Anonymous && e.IsPage);
        Assert.Contains(endpoints, e => e.Key == "GET /openapi/{documentName}.json" && e.Access == Access.Anonymous);
        Assert.Contains(endpoints, e => e.Key == "GET /api/{documentName?}" && e.Access == Access.Anonymous);
    }

    [Fact]
    public void PolicyCheck_EndpointWithoutAuthorizationMetadata_Fails()
    {
        static RouteEndpoint Endpoint(string pattern, params object[] metadata) =>
            new(_ => Task.CompletedTask, RoutePatternFactory.Parse(pattern), 0,
                new EndpointMetadataCollection([new HttpMethodMetadata(["GET"]), .. metadata]), pattern);

        var bare = EndpointPolicies.Classify(Endpoint("/billing/new-report")).Single();
        var anonymous = EndpointPolicies.Classify(Endpoint("/billing/open", new AllowAnonymousAttribute())).Single();
        var unnamed = EndpointPolicies.Classify(Endpoint("/billing/any-user", new AuthorizeAttribute())).Single();
        var declared = EndpointPolicies.Classify(Endpoint("/billing/declared", new AccountAccessAttribute(CustomerAction.ManageKeys))).Single();
        var roleless = EndpointPolicies.Classify(Endpoint("/billing/roleless", new AuthorizeAttribute("customer"))).Single();
        var unscopedApi = EndpointPolicies.Classify(Endpoint("/billing/unscoped", new AuthorizeAttribute("customer"), new ApiEndpointMetadata())).Single();
        var scopedApi = EndpointPolicies.Classify(Endpoint("/billing/scoped", new AccountAccessAttribute(CustomerAction.ReadAccount), new ApiEndpointMetadata(),
            new KeyScopeMetadata(ApiKeyScopes.BillingRead))).Single();

        Assert.Contains("no authorization metadata", EndpointPolicies.Violation(bare));
        Assert.Contains("not in the anonymous allow-list", EndpointPolicies.Violation(anonymous));
        Assert.Contains("named policies", EndpointPolicies.Violation(unnamed));
        Assert.Null(EndpointPolicies.Violation(declared));
        Assert.Equal((Access.Customer, AccountRoles.Developer), (declared.Access, declared.MinimumRole));
        Assert.Contains("without an account role", EndpointPolicies.Violation(roleless));
        Assert.Contains("without a key scope", EndpointPolicies.Violation(unscopedApi));
        Assert.Null(EndpointPolicies.Violation(scopedApi));
        Assert.Equal(ApiKeyScopes.BillingRead, scopedApi.KeyScope);
    }

    [Fact]
    public async Task Endpoints_EachCaller_AnsweredAsThePolicySays()
    {
        var world = await World.CreateAsync(app);
        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var endpoint in Endpoints().Where(e => e.Access != Access.Framework))
        {
            // Customer B goes first: it must not touch A's resources, which A's own callers may then change.
            foreach (var caller in Enum.GetValues<Caller>())
            {
                var route = await RouteValues.ForAsync(endpoint, world);
                if (route is null)
                {
                    failures.Add($"{endpoint.Key}: no route values for {{{string.Join("}, {", endpoint.Parameters)}}}; add them to {nameof(RouteValues)}.");
                    break;
                }
                using var request = Request(endpoint, route);
                using var response = await world.Clients[caller].SendAsync(request, Ct);
                var problem = await Check(endpoint, caller, route, response);
                checkedCount++;
                if (problem is not null)
                    failures.Add($"{endpoint.Key} as {caller}: {problem}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {checkedCount} checks failed:\n" + string.Join("\n", failures));
        Assert.True(checkedCount > 100, $"Only {checkedCount} checks ran.");
    }

    [Fact]
    public async Task CustomerEndpoints_KeyWithoutTheirScope_Get403InsufficientScopeAndAKeyWithOnlyThatScopeDoesNot()
    {
        var world = await World.CreateAsync(app);
        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var endpoint in Endpoints().Where(e => e.Access == Access.Customer))
        {
            if (endpoint.KeyScope is not { } scope)
            {
                failures.Add($"{endpoint.Key}: no key scope declared");
                continue;
            }
            foreach (var (client, holds) in new[] { (world.KeysWithout[scope], false), (world.KeysWithOnly[scope], true) })
            {
                var route = await RouteValues.ForAsync(endpoint, world);
                if (route is null)
                {
                    failures.Add($"{endpoint.Key}: no route values; add them to {nameof(RouteValues)}.");
                    break;
                }
                using var request = Request(endpoint, route);
                using var response = await client.SendAsync(request, Ct);
                checkedCount++;
                var problem = holds ? await LetInAsync(route, response) : await ProblemAsync(response, 403, "insufficient_scope");
                if (problem is not null)
                    failures.Add($"{endpoint.Key} with a key {(holds ? "holding only" : "lacking")} {scope}: {problem}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {checkedCount} checks failed:\n" + string.Join("\n", failures));
        Assert.True(checkedCount >= 24, $"Only {checkedCount} checks ran.");
    }

    /// <summary>Null when a caller holding the endpoint's scope was served as the route says, else what was wrong.</summary>
    private static async Task<string?> LetInAsync(RouteCase route, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status is 401 or 403 || status >= 500)
            return $"refused or failed: {status} {await response.Content.ReadAsStringAsync()}";
        return route.Status is { } expected && status != expected ? $"expected {expected}, got {status}" : null;
    }

    private static HttpRequestMessage Request(EndpointAccess endpoint, RouteCase route)
    {
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), route.Path);
        if (endpoint.Method is "POST" or "PUT" or "PATCH")
            request.Content = endpoint.IsApi || route.Body is not null
                ? new StringContent(route.Body ?? "{}", Encoding.UTF8, "application/json")
                : new FormUrlEncodedContent([]);
        return request;
    }

    /// <summary>Null when the response is what the endpoint's policy promises this caller, else what was wrong.</summary>
    private static async Task<string?> Check(EndpointAccess endpoint, Caller caller, RouteCase route, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        // The cookie handler redirects with absolute URLs on this host; compare the local part.
        var location = response.Headers.Location is { } l ? (l.IsAbsoluteUri ? l.PathAndQuery : l.OriginalString) : "";
        var bearer = caller is Caller.Metering or Caller.CustomerAKey or Caller.AdminToken;
        var member = MemberRoles.GetValueOrDefault(caller);
        // A member below the endpoint's declared role is refused for the role; a key's scopes are checked elsewhere.
        var roleTooLow = endpoint.Access == Access.Customer && member is not null
            && AccountPermissions.Rank(member) < AccountPermissions.Rank(endpoint.MinimumRole);
        var allowed = endpoint.Access switch
        {
            Access.Anonymous or Access.Undeclared => true,
            Access.Session => caller is Caller.CustomerB or Caller.Admin || member is not null,
            Access.Customer => !roleTooLow && (caller is Caller.CustomerAKey or Caller.CustomerB || member is not null),
            Access.BillingAdmin => caller is Caller.Admin,
            Access.Metering => caller is Caller.Metering,
            Access.AdminToken => caller is Caller.AdminToken,
            _ => false,
        };

        if (endpoint.Access is Access.Anonymous or Access.Undeclared)
            return status is 401 or 403 or >= 500 ? $"an anonymous endpoint answered {status}"
                : route.Status is { } anyone && status != anyone ? $"expected {anyone}, got {status}" : null;
        if (!allowed && caller == Caller.Anonymous)
            return endpoint.IsApi
                ? await ProblemAsync(response, 401, "unauthorized")
                : status == 302 && location.StartsWith("/signin?returnUrl=", StringComparison.Ordinal) ? null : $"expected a redirect to /signin, got {status} {location}";
        if (!allowed)
            return endpoint.IsApi || bearer
                ? await ProblemAsync(response, 403, roleTooLow ? "insufficient_role" : "forbidden")
                : status == 302 && location.StartsWith("/access-denied", StringComparison.Ordinal) ? null : $"expected a redirect to /access-denied, got {status} {location}";
        if (caller == Caller.CustomerB && route.OwnedByA)
            return await ProblemAsync(response, 404, "not_found");
        if (status is 401 or 403 || location.StartsWith("/signin", StringComparison.Ordinal) || location.StartsWith("/access-denied", StringComparison.Ordinal))
            return $"refused an allowed caller: {status} {location}";
        if (route.Status is { } expected && status != expected)
            return $"expected {expected}, got {status}: {await response.Content.ReadAsStringAsync()}";
        return status >= 500 ? $"server error {status}" : null;
    }

    private static async Task<string?> ProblemAsync(HttpResponseMessage response, int status, string code)
    {
        if ((int)response.StatusCode != status)
            return $"expected {status}, got {(int)response.StatusCode} {response.Headers.Location}";
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return $"expected application/problem+json, got {response.Content.Headers.ContentType}";
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var actual = json.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
        return actual == code ? null : $"expected code {code}, got {actual}";
    }

    /// <summary>A path to call, the body to send, and what an allowed caller gets.</summary>
    /// <param name="OwnedByA">The route names a resource of customer A: customer B must get a 404, as for a missing one.</param>
    public sealed record RouteCase(string Path, string? Body = null, int? Status = null, bool OwnedByA = false);

    /// <summary>Route values and bodies per endpoint. Resources are created fresh for every call, so one caller's
    /// revoke or settle never changes what the next caller sees.</summary>
    public static class RouteValues
    {
        public static async Task<RouteCase?> ForAsync(EndpointAccess e, World w) => e.Key switch
        {
            "GET /billing/balance" or "GET /billing/transactions" or "GET /billing/summary" or "GET /billing/usage"
                or "GET /billing/requests" or "GET /billing/invoice" or "GET /v1/keys" or "GET /billing/auto-recharge" => new RouteCase(e.Route, Status: 200),
            // Development-mode payments: no saved card is needed, so an allowed caller's valid body is stored.
            "GET /billing/alerts/rules" or "GET /billing/alerts/events" or "GET /billing/alerts/endpoints" => new RouteCase(e.Route, Status: 200),
            "POST /billing/alerts/rules" => new RouteCase(e.Route, """{"kind":"balance_below","threshold":5}""", 201),
            "DELETE /billing/alerts/rules/{id}" => new RouteCase($"/billing/alerts/rules/{await w.NewAlertRuleOfAAsync()}", Status: 204, OwnedByA: true),
            "POST /billing/alerts/endpoints" => new RouteCase(e.Route, """{"url":"https://hooks.example.com/matrix"}""", 201),
            "POST /billing/alerts/endpoints/{id}/rotate" => new RouteCase($"/billing/alerts/endpoints/{await w.NewWebhookEndpointOfAAsync()}/rotate",
                Status: 200, OwnedByA: true),
            "DELETE /billing/alerts/endpoints/{id}" => new RouteCase($"/billing/alerts/endpoints/{await w.NewWebhookEndpointOfAAsync()}", Status: 204, OwnedByA: true),
            "PUT /billing/auto-recharge" => new RouteCase(e.Route, """{"enabled":false,"threshold":10,"amount":25}""", 200),
            // keys:write only: a key may grant only scopes it holds, and the matrix also calls with a keys:write-only key.
            "POST /v1/keys" => new RouteCase(e.Route, """{"name":"matrix","scopes":["keys:write"]}""", 201),
            "GET /v1/keys/{id}/usage" => new RouteCase($"/v1/keys/{await w.NewKeyOfAAsync()}/usage", Status: 200, OwnedByA: true),
            "PATCH /v1/keys/{id}" => new RouteCase($"/v1/keys/{await w.NewKeyOfAAsync()}", """{"monthly_spend_limit":5}""", 200, OwnedByA: true),
            "DELETE /v1/keys/{id}" => new RouteCase($"/v1/keys/{await w.NewKeyOfAAsync()}", Status: 204, OwnedByA: true),
            "POST /v1/meter/reservations" => new RouteCase(e.Route,
                $$"""{"idempotency_key":"{{Guid.NewGuid():N}}","api_key_id":{{w.KeyA}},"model":"gpt-4o-mini","max_input_tokens":10,"max_output_tokens":10}""", 201),
            "POST /v1/meter/keys:verify" => new RouteCase(e.Route, $$"""{"key":"{{w.SecretA}}"}""", 200),
            "POST /v1/meter/usage" => new RouteCase(e.Route,
                $$"""{"idempotency_key":"{{Guid.NewGuid():N}}","api_key_id":{{w.KeyA}},"sku":"dall-e-3","quantity":1}""", 201),
            "POST /v1/meter/reservations/{id}/settle" => new RouteCase($"/v1/meter/reservations/{await w.NewReservationOfAAsync()}/settle",
                """{"input_tokens":5,"output_tokens":5,"status":"success"}""", 200),
            "POST /v1/meter/reservations/{id}/renew" => new RouteCase($"/v1/meter/reservations/{await w.NewUnitReservationOfAAsync()}/renew",
                """{"quantity":0.01}""", 201),
            "POST /v1/meter/reservations/{id}/release" => new RouteCase($"/v1/meter/reservations/{await w.NewReservationOfAAsync()}/release",
                """{"reason":"matrix"}""", 200),
            "GET /v1/meter/reservations/{id}" => new RouteCase($"/v1/meter/reservations/{await w.NewReservationOfAAsync()}", Status: 200),
            "POST /v1/meter/reservations/{id}/extend" => new RouteCase($"/v1/meter/reservations/{await w.NewReservationOfAAsync()}/extend",
                """{"ttl_seconds":600}""", 200),
            "POST /v1/meter/releases:batch" => new RouteCase(e.Route, $$"""{"releases":[{"reservation_id":{{await w.NewReservationOfAAsync()}}}]}""", 200),
            "GET /billing/budgets" => new RouteCase(e.Route, Status: 200),
            // A key budget (a developer's); each call names a fresh key, so no caller meets another's budget_exists.
            "POST /billing/budgets" => new RouteCase(e.Route, $$"""{"api_key_id":{{await w.NewKeyOfAAsync()}},"amount":5,"period":"daily"}""", 201, OwnedByA: true),
            "PUT /billing/budgets/{id}" => new RouteCase($"/billing/budgets/{await w.NewKeyBudgetOfAAsync()}", """{"amount":7}""", 200, OwnedByA: true),
            "DELETE /billing/budgets/{id}" => new RouteCase($"/billing/budgets/{await w.NewKeyBudgetOfAAsync()}", Status: 204, OwnedByA: true),
            "GET /v1/admin/accounts/{id}/budgets" => new RouteCase($"/v1/admin/accounts/{w.AccountA}/budgets", Status: 200),
            "POST /v1/admin/accounts/{id}/budgets" => new RouteCase($"/v1/admin/accounts/{await w.NewEmptyAccountAsync()}/budgets",
                """{"amount":5,"period":"monthly"}""", 201),
            "PUT /v1/admin/accounts/{id}/budgets/{budget_id}" => new RouteCase(
                $"/v1/admin/accounts/{w.AccountA}/budgets/{await w.NewKeyBudgetOfAAsync()}", """{"amount":7}""", 200),
            "DELETE /v1/admin/accounts/{id}/budgets/{budget_id}" => new RouteCase(
                $"/v1/admin/accounts/{w.AccountA}/budgets/{await w.NewKeyBudgetOfAAsync()}", Status: 204),
            "GET /admin/whoami" => new RouteCase(e.Route, Status: 200),
            "POST /v1/admin/accounts" => new RouteCase(e.Route,
                $$"""{"name":"Matrix","email":"matrix@example.test","idempotency_key":"{{Guid.NewGuid():N}}"}""", 201),
            "GET /v1/admin/accounts" => new RouteCase(e.Route, Status: 200),
            "GET /v1/admin/reconciliation" => new RouteCase(e.Route, Status: 200),
            // A page: customer B sees "no receipt" there (200), as for an entry that is not a payment.
            "GET /billing/receipts/{EntryId:long}" => new RouteCase($"/billing/receipts/{await w.NewPurchaseEntryOfAAsync()}", Status: 200),
            "GET /v1/admin/accounts/{id}" => new RouteCase($"/v1/admin/accounts/{w.AccountA}", Status: 200),
            "POST /v1/admin/accounts/{id}/suspend" or "POST /v1/admin/accounts/{id}/reinstate" or "POST /v1/admin/accounts/{id}/close" =>
                new RouteCase(e.Route.Replace("{id}", (await w.NewEmptyAccountAsync()).ToString()), """{"reason":"Authorization matrix"}""", 200),
            "POST /v1/admin/accounts/{id}/entries" => new RouteCase($"/v1/admin/accounts/{await w.NewEmptyAccountAsync()}/entries",
                $$"""{"type":"bonus","amount":1,"reason":"Authorization matrix","idempotency_key":"{{Guid.NewGuid():N}}"}""", 201),
            "POST /v1/admin/accounts/{id}/invitations" => new RouteCase($"/v1/admin/accounts/{await w.NewEmptyAccountAsync()}/invitations",
                $$"""{"email":"matrix-{{Guid.NewGuid():N}}@example.test","role":"viewer"}""", 201),
            "DELETE /v1/admin/accounts/{id}/invitations/{invitation_id}" => new RouteCase(await w.NewInvitationPathAsync(), Status: 204),
            "GET /v1/admin/accounts/{id}/members" => new RouteCase($"/v1/admin/accounts/{w.AccountA}/members", Status: 200),
            "DELETE /v1/admin/accounts/{id}/members/{user_id}" => new RouteCase(await w.NewMemberPathAsync(), Status: 204),
            "POST /v1/admin/accounts/{id}/keys" => new RouteCase($"/v1/admin/accounts/{w.AccountA}/keys", """{"name":"matrix"}""", 201),
            "GET /openapi/{documentName}.json" => new RouteCase("/openapi/v1.json", Status: 200),
            "GET /api/{documentName?}" => new RouteCase("/api/v1", Status: 200),
            "GET /admin/accounts/{AccountId:long}" => new RouteCase($"/admin/accounts/{w.AccountA}", Status: 200),
            // Allowed callers still need the form's antiforgery token, which the matrix does not send.
            "POST /auth/switch-account" or "POST /auth/signout" or "POST /auth/dev-signin" => new RouteCase(e.Route, Status: 400),
            _ when e.Parameters.Count == 0 => new RouteCase(e.Route),
            _ => null,
        };
    }

    /// <summary>Two customer accounts with users and keys, a billing admin with no account, and a client per caller.</summary>
    public sealed class World
    {
        private readonly ConsoleApp _app;

        private World(ConsoleApp app) => _app = app;

        public Dictionary<Caller, HttpClient> Clients { get; } = [];
        /// <summary>Per scope, a client with a key of customer A holding every other scope.</summary>
        public Dictionary<string, HttpClient> KeysWithout { get; } = [];
        /// <summary>Per scope, a client with a key of customer A holding that scope alone.</summary>
        public Dictionary<string, HttpClient> KeysWithOnly { get; } = [];
        public long AccountA { get; private set; }
        public long KeyA { get; private set; }
        public string SecretA { get; private set; } = "";

        public static async Task<World> CreateAsync(ConsoleApp app)
        {
            var world = new World(app);
            var (accountA, keyA, secretA) = await app.CreateCustomerAsync(Money.FromDollars(100));
            var (accountB, _, _) = await app.CreateCustomerAsync(Money.FromDollars(100));
            (world.AccountA, world.KeyA, world.SecretA) = (accountA, keyA, secretA);
            var id = Guid.NewGuid().ToString("N")[..8];
            await TestData.CreateUserAsync(app.DbFactory, $"matrix-a-{id}@example.test", Roles.Customer, accountA);
            await TestData.CreateUserAsync(app.DbFactory, $"matrix-b-{id}@example.test", Roles.Customer, accountB);
            await TestData.CreateUserAsync(app.DbFactory, $"matrix-admin-{id}@example.test", Roles.BillingAdmin);
            world.Clients[Caller.Anonymous] = app.Client();
            world.Clients[Caller.CustomerA] = await DevSessions.SignInAsync(app.BaseAddress, $"matrix-a-{id}@example.test");
            world.Clients[Caller.CustomerB] = await DevSessions.SignInAsync(app.BaseAddress, $"matrix-b-{id}@example.test");
            world.Clients[Caller.Admin] = await DevSessions.SignInAsync(app.BaseAddress, $"matrix-admin-{id}@example.test");
            foreach (var (caller, role) in MemberRoles.Where(r => r.Key != Caller.CustomerA))
            {
                var email = $"matrix-{caller.ToString().ToLowerInvariant()}-{id}@example.test";
                await TestMembers.CreateAsync(app.DbFactory, email, accountA, role);
                world.Clients[caller] = await DevSessions.SignInAsync(app.BaseAddress, email);
            }
            world.Clients[Caller.CustomerAKey] = app.Client(secretA);
            world.Clients[Caller.Metering] = app.Client(app.MeteringToken);
            world.Clients[Caller.AdminToken] = app.Client(app.AdminToken);
            var keys = app.Services.GetRequiredService<ApiKeyService>();
            foreach (var scope in ApiKeyScopes.All)
            {
                var without = await keys.CreateAsync(accountA, $"without {scope}", null, ApiKeyScopes.All.Where(s => s != scope).ToList(), null);
                var only = await keys.CreateAsync(accountA, $"only {scope}", null, [scope], null);
                world.KeysWithout[scope] = app.Client(without.Value!.Secret);
                world.KeysWithOnly[scope] = app.Client(only.Value!.Secret);
            }
            return world;
        }

        public async Task<long> NewKeyOfAAsync()
        {
            var created = await _app.Services.GetRequiredService<ApiKeyService>().CreateAsync(AccountA, "matrix target", null);
            return created.Value!.Key.Id;
        }

        public async Task<long> NewAlertRuleOfAAsync()
        {
            var (rule, _) = await _app.Services.GetRequiredService<Accounting.Alerts.AlertRules>()
                .CreateAsync(AccountA, new Accounting.Alerts.NewAlertRule(Accounting.Alerts.AlertKinds.BalanceBelow, Money.FromDollars(1).Units, null), "matrix");
            return rule!.Id;
        }

        /// <summary>A fresh endpoint of customer A; A's others are deleted first, so every caller's call stays within the
        /// per-account cap.</summary>
        public async Task<long> NewWebhookEndpointOfAAsync()
        {
            var endpoints = _app.Services.GetRequiredService<BillingConsole.Web.Alerts.WebhookEndpoints>();
            foreach (var old in await endpoints.ListAsync(AccountA))
                await endpoints.DeleteAsync(AccountA, old.Id);
            var (endpoint, _, _) = await endpoints.CreateAsync(AccountA, "https://hooks.example.com/matrix", "matrix");
            return endpoint!.Id;
        }

        /// <summary>A daily budget of a fresh key of customer A.</summary>
        public async Task<long> NewKeyBudgetOfAAsync()
        {
            var created = await _app.Services.GetRequiredService<BillingConsole.Accounting.Budgets.BudgetService>()
                .CreateAsync(AccountA, await NewKeyOfAAsync(), Money.FromDollars(5), BillingConsole.Accounting.Budgets.BudgetPeriods.Daily, "matrix");
            return created.Value!.Id;
        }

        public Task<long> NewEmptyAccountAsync() => _app.CreateAccountAsync($"Matrix {Guid.NewGuid():N}");

        /// <summary>A pending invitation of a fresh account, as its DELETE path.</summary>
        public async Task<string> NewInvitationPathAsync()
        {
            var account = await NewEmptyAccountAsync();
            var invitation = await _app.Services.GetRequiredService<Accounting.Teams.TeamService>().InviteAsync(account,
                $"matrix-{Guid.NewGuid():N}@example.test", AccountRoles.Viewer, new Accounting.Teams.TeamActor(null, "matrix", true));
            return $"/v1/admin/accounts/{account}/invitations/{invitation.Value!.Id}";
        }

        /// <summary>The second owner of a fresh account (so removing them is allowed), as their DELETE path.</summary>
        public async Task<string> NewMemberPathAsync()
        {
            var account = await NewEmptyAccountAsync();
            await TestData.CreateUserAsync(_app.DbFactory, $"matrix-{Guid.NewGuid():N}@example.test", Roles.Customer, account);
            var second = await TestData.CreateUserAsync(_app.DbFactory, $"matrix-{Guid.NewGuid():N}@example.test", Roles.Customer, account);
            return $"/v1/admin/accounts/{account}/members/{second}";
        }

        /// <summary>The top-up entry of a purchase of customer A (it has a receipt).</summary>
        public async Task<long> NewPurchaseEntryOfAAsync()
        {
            var session = $"cs_matrix_{Guid.NewGuid():N}";
            var purchase = await _app.Services.GetRequiredService<Accounting.Payments.PaymentPostings>().CreditPurchaseAsync(new(AccountA, session,
                Accounting.Payments.PaymentKeys.Topup(BillingConsole.Web.Payments.StripeFacts.Provider, session), Accounting.Payments.PaymentKeys.Fee(BillingConsole.Web.Payments.StripeFacts.Provider, session), Money.FromDollars(1), Money.Zero,
                "Matrix purchase", "Matrix fee", BillingConsole.Accounting.Payments.PaymentPostings.WebhookOrigin(BillingConsole.Web.Payments.StripeFacts.Provider)));
            return purchase.Value!.Topup.EntryId;
        }

        public async Task<long> NewReservationOfAAsync()
        {
            var hold = await _app.Services.GetRequiredService<MeteringService>()
                .ReserveAsync(new MeterReserveCommand(Guid.NewGuid().ToString("N"), KeyA, "gpt-4o-mini", 10, 10));
            return hold.Value!.ReservationId;
        }

        public async Task<long> NewUnitReservationOfAAsync()
        {
            var hold = await _app.Services.GetRequiredService<MeteringService>()
                .ReserveUnitsAsync(new MeterReserveUnitsCommand(Guid.NewGuid().ToString("N"), KeyA, "gpu-l40s-48gb", new Quantity(10_000)));
            return hold.Value!.ReservationId;
        }
    }
}
