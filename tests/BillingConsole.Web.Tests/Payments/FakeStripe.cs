using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Stripe;

namespace BillingConsole.Web.Tests.Payments;

/// <summary>One request Stripe.net sent, as the fake received it (form fields flattened the way Stripe encodes them).</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Fields, string? IdempotencyKey,
    string? StripeVersion, string? Authorization)
{
    public string Field(string name) => Fields.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"{Method} {Path} has no field {name}: {string.Join(", ", Fields.Keys)}");
}

/// <summary>
/// A loopback stand-in for api.stripe.com on Kestrel: it keeps customers, Checkout Sessions, PaymentIntents, charges
/// and refunds in memory, answers the way Stripe does (JSON objects, lists, errors), honours Idempotency-Key, and
/// records every request so tests can assert what Stripe.net really sent.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    // Lazy: GetOrAdd may run its factory twice for one key when two calls race, and Stripe carries out a key once.
    private readonly ConcurrentDictionary<string, Lazy<(int Status, string Body)>> _idempotent = new();
    // Stripe refuses a key reused with other parameters.
    private readonly ConcurrentDictionary<string, string> _keyParameters = new();

    private static string Parameters(Dictionary<string, string> fields) =>
        string.Join("&", fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"));
    private readonly ConcurrentDictionary<string, JsonObject> _objects = new();
    private readonly object _gate = new();
    private int _next;

    private FakeStripe(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    /// <summary>Charging this payment method is declined (402 card_error, insufficient_funds), as Stripe's test card is.</summary>
    public const string DecliningCard = "pm_card_chargeDeclinedInsufficientFunds";

    /// <summary>A card whose off-session charge needs the customer (3-D Secure): the PaymentIntent ends requires_action.</summary>
    public const string AuthenticationCard = "pm_card_authenticationRequired";

    /// <summary>Completes an open setup-mode session ("Save a card"): a succeeded SetupIntent with <paramref name="card"/>.</summary>
    public JsonObject CompleteSetupSession(string sessionId, string card = "pm_card_mastercard")
    {
        lock (_gate)
        {
            var s = _objects[sessionId];
            var seti = NewId("seti");
            _objects[seti] = new JsonObject
            {
                ["id"] = seti, ["object"] = "setup_intent", ["status"] = "succeeded", ["payment_method"] = card, ["customer"] = (string?)s["customer"],
                ["usage"] = "off_session", ["metadata"] = s["setup_intent_data_metadata"]?.DeepClone() ?? new JsonObject(),
            };
            s["setup_intent"] = seti;
            s["status"] = "complete";
            s["payment_status"] = "no_payment_required";
            return Clean(s);
        }
    }

    /// <summary>The cards <c>POST /v1/payment_methods/{id}/detach</c> was called for.</summary>
    public IReadOnlyList<string> Detached => Requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/detach", StringComparison.Ordinal))
        .Select(r => r.Path.Split('/')[3]).ToList();

    private static JsonObject PaymentMethod(string id) => new()
    {
        ["id"] = id, ["object"] = "payment_method", ["type"] = "card",
        ["card"] = id switch
        {
            "pm_card_mastercard" => new JsonObject { ["brand"] = "mastercard", ["last4"] = "4444", ["exp_month"] = 12, ["exp_year"] = 2030 },
            DecliningCard => new JsonObject { ["brand"] = "visa", ["last4"] = "9995", ["exp_month"] = 12, ["exp_year"] = 2030 },
            AuthenticationCard => new JsonObject { ["brand"] = "visa", ["last4"] = "3184", ["exp_month"] = 12, ["exp_year"] = 2030 },
            _ => new JsonObject { ["brand"] = "visa", ["last4"] = "4242", ["exp_month"] = 12, ["exp_year"] = 2030 },
        },
    };

    /// <summary>Set to make every API call fail with 500 (Stripe unavailable).</summary>
    public bool Down { get; set; }

    /// <summary>Set to a path (<c>/v1/refunds</c>) to lose the next answer to a call to it: the call is carried out (and
    /// stored under its idempotency key), but the caller gets a 500, as when a response is lost on its way back.</summary>
    public string? LoseNextAnswerTo { get; set; }

    /// <summary>Set to make the next POST to a path fail as Stripe's own server errors do: it answers 500 and stores
    /// that answer under the call's idempotency key, so the key gets the 500 again (Idempotent-Replayed) for a day.
    /// <c>CarriedOut</c>: whether the call did its work before failing.</summary>
    public (string Path, bool CarriedOut)? NextServerError { get; set; }

    private volatile AnswerHold? _hold;

    /// <summary>Holds every call to <paramref name="path"/> until <paramref name="calls"/> of them have arrived, then
    /// answers them all: the calls are in flight together, as a double submit's are. A call that never comes fails the
    /// held ones after 30 s instead of hanging the test.</summary>
    public void HoldAnswersTo(string path, int calls) => _hold = new AnswerHold(path, calls);

    private sealed class AnswerHold(string path, int calls)
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;
        public string Path => path;
        public bool Arrive() => Interlocked.Increment(ref _arrived) >= calls && _open.TrySetResult();
        public Task Open => _open.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public static async Task<FakeStripe> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeStripe(app);
        app.Map("/{**path}", fake.HandleAsync);
        await app.StartAsync();
        fake.Url = app.Urls.First();
        return fake;
    }

    public StripeClient Client() => new(new StripeClientOptions
    {
        ApiKey = "sk_test_x",
        ApiBase = Url,
        HttpClient = new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0),
    });

    public RecordedRequest[] RequestsTo(string method, string path) =>
        Requests.Where(r => r.Method == method && r.Path == path).ToArray();

    public JsonObject Get(string id) => (JsonObject)_objects[id].DeepClone();

    public bool Has(string id) => _objects.ContainsKey(id);

    public string NewId(string prefix) => $"{prefix}_fake{Interlocked.Increment(ref _next):D6}";

    /// <summary>Puts an object in the fake's store (for tests that build Stripe state directly).</summary>
    public void Put(JsonObject obj) => _objects[(string)obj["id"]!] = (JsonObject)obj.DeepClone();

    /// <summary>Pays an open Checkout Session: it gets a succeeded PaymentIntent and charge; returns the paid session.</summary>
    public JsonObject PaySession(string sessionId, bool asyncPending = false)
    {
        lock (_gate)
        {
            var s = _objects[sessionId];
            var pi = NewId("pi");
            var ch = NewId("ch");
            var amount = (long)s["amount_total"]!;
            _objects[pi] = StripeObjects.PaymentIntent(pi, amount, asyncPending ? "processing" : "succeeded", ch, (JsonObject?)s["payment_intent_data_metadata"]?.DeepClone() ?? new JsonObject(), (string?)s["customer"], "pm_card_visa");
            _objects[ch] = StripeObjects.Charge(ch, pi, amount, 0, null);
            s["payment_intent"] = pi;
            s["status"] = "complete";
            s["payment_status"] = asyncPending ? "unpaid" : "paid";
            return Clean(s);
        }
    }

    /// <summary>Marks a pending session paid (a delayed payment method cleared).</summary>
    public JsonObject SettleAsyncSession(string sessionId)
    {
        lock (_gate)
        {
            var s = _objects[sessionId];
            s["payment_status"] = "paid";
            _objects[(string)s["payment_intent"]!]["status"] = "succeeded";
            return Clean(s);
        }
    }

    /// <summary>Refunds part of a charge the way the dashboard would; returns the charge after it (for charge.refunded).</summary>
    public JsonObject Refund(string chargeId, long amount, string status = "succeeded") => CreateRefund(chargeId, amount, status).Charge;

    public JsonObject ChargeOf(string sessionId) => Get((string)_objects[(string)_objects[sessionId]["payment_intent"]!]["latest_charge"]!);

    private (JsonObject Refund, JsonObject Charge) CreateRefund(string chargeId, long amount, string status)
    {
        lock (_gate)
        {
            var ch = _objects[chargeId];
            var re = NewId("re");
            var created = 1_800_000_000 + Interlocked.Increment(ref _next);
            var refund = StripeObjects.Refund(re, chargeId, (string)ch["payment_intent"]!, amount, status, created);
            _objects[re] = refund;
            ch["amount_refunded"] = (long)ch["amount_refunded"]! + (status is "failed" or "canceled" ? 0 : amount);
            ch["refunded"] = (long)ch["amount_refunded"]! >= (long)ch["amount"]!;
            return ((JsonObject)refund.DeepClone(), (JsonObject)ch.DeepClone());
        }
    }

    /// <summary>The PaymentIntents created for an account (by their account_id metadata).</summary>
    public IReadOnlyList<string> IntentsOf(long accountId) =>
        _objects.Values.Where(o => (string?)o["object"] == "payment_intent" && (string?)o["metadata"]?["account_id"] == accountId.ToString())
            .Select(o => (string)o["id"]!).ToList();

    public IReadOnlyList<JsonObject> RefundsOfCharge(string chargeId)
    {
        lock (_gate)
            return RefundsOf(chargeId).ToList();
    }

    private IEnumerable<JsonObject> RefundsOf(string chargeId) =>
        _objects.Values.Where(o => (string?)o["object"] == "refund" && (string?)o["charge"] == chargeId)
            .OrderBy(o => (long)o["created"]!).Select(o => (JsonObject)o.DeepClone());

    private static JsonObject Clean(JsonObject session)
    {
        var copy = (JsonObject)session.DeepClone();
        copy.Remove("payment_intent_data_metadata");
        copy.Remove("setup_intent_data_metadata");
        return copy;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.HasFormContentType)
            foreach (var (k, v) in await request.ReadFormAsync())
                fields[k] = v.ToString();
        foreach (var (k, v) in request.Query)
            fields[k] = v.ToString();
        var key = request.Headers["Idempotency-Key"].FirstOrDefault();
        _requests.Enqueue(new RecordedRequest(request.Method, request.Path.Value ?? "", fields, key,
            request.Headers["Stripe-Version"].FirstOrDefault(), request.Headers.Authorization.FirstOrDefault()));

        if (_hold is { } hold && hold.Path == request.Path.Value)
        {
            if (hold.Arrive())
                _hold = null;
            await hold.Open;
        }

        (int Status, string Body) response;
        if (Down)
            response = (500, Error("api_error", null, "Stripe is down (fake)."));
        else if (request.Method == "POST" && key is not null && _keyParameters.GetOrAdd(key, Parameters(fields)) != Parameters(fields))
            response = (400, Error("idempotency_error", null,
                "Keys for idempotent requests can only be used with the same parameters they were first used with (fake)."));
        else if (request.Method == "POST" && key is not null)
        {
            var first = new Lazy<(int, string)>(() => RouteOrServerError(request.Path.Value ?? "", fields));
            var stored = _idempotent.GetOrAdd(key, first);
            response = stored.Value;
            if (!ReferenceEquals(stored, first))
                context.Response.Headers["Idempotent-Replayed"] = "true";
        }
        else
            response = Route(request.Method, request.Path.Value ?? "", fields);
        if (LoseNextAnswerTo is { } lost && request.Path.Value == lost)
        {
            LoseNextAnswerTo = null;
            response = (500, Error("api_error", null, "The answer was lost (fake)."));
        }
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["Request-Id"] = "req_fake";
        await context.Response.WriteAsync(response.Body);
    }

    private (int, string) RouteOrServerError(string path, Dictionary<string, string> f)
    {
        if (NextServerError is not { } failing || failing.Path != path)
            return Route("POST", path, f);
        NextServerError = null;
        if (failing.CarriedOut)
            Route("POST", path, f);
        return (500, Error("api_error", null, "An unexpected error occurred (fake)."));
    }

    private (int, string) Route(string method, string path, Dictionary<string, string> f)
    {
        var parts = path.Trim('/').Split('/');
        lock (_gate)
        {
            switch (method, parts)
            {
                case ("POST", ["v1", "customers"]):
                {
                    var id = NewId("cus");
                    _objects[id] = new JsonObject { ["id"] = id, ["object"] = "customer", ["name"] = f.GetValueOrDefault("name"), ["email"] = f.GetValueOrDefault("email"), ["metadata"] = Metadata(f, "metadata") };
                    return Ok(_objects[id]);
                }
                case ("POST", ["v1", "checkout", "sessions"]):
                {
                    var id = NewId("cs_test");
                    long total = 0;
                    for (var i = 0; f.ContainsKey($"line_items[{i}][price_data][unit_amount]"); i++)
                        total += long.Parse(f[$"line_items[{i}][price_data][unit_amount]"]) * long.Parse(f.GetValueOrDefault($"line_items[{i}][quantity]", "1"));
                    var mode = f.GetValueOrDefault("mode", "payment");
                    var session = StripeObjects.Session(id, Metadata(f, "metadata"), total, f.GetValueOrDefault("customer"), "unpaid", null, status: "open", mode: mode);
                    session["setup_intent"] = null;
                    session["setup_intent_data_metadata"] = Metadata(f, "setup_intent_data[metadata]");
                    session["url"] = $"https://checkout.stripe.test/c/pay/{id}";
                    session["success_url"] = f.GetValueOrDefault("success_url");
                    session["cancel_url"] = f.GetValueOrDefault("cancel_url");
                    session["payment_intent_data_metadata"] = Metadata(f, "payment_intent_data[metadata]");
                    _objects[id] = session;
                    return Ok(Clean(session));
                }
                case ("GET", ["v1", "checkout", "sessions"]):
                {
                    var pi = f.GetValueOrDefault("payment_intent");
                    var found = _objects.Values.Where(o => (string?)o["object"] == "checkout.session" && pi is not null && (string?)o["payment_intent"] == pi).Select(Clean);
                    return Ok(StripeObjects.List(found, "/v1/checkout/sessions"));
                }
                case ("GET", ["v1", "checkout", "sessions", var id]):
                    return _objects.TryGetValue(id, out var s) ? Ok(Clean(s)) : Missing(id);
                case ("POST", ["v1", "payment_intents"]):
                {
                    var id = NewId("pi");
                    var amount = long.Parse(f["amount"]);
                    if (f.GetValueOrDefault("payment_method") == AuthenticationCard)
                    {
                        _objects[id] = StripeObjects.PaymentIntent(id, amount, "requires_action", null, Metadata(f, "metadata"), f.GetValueOrDefault("customer"), f.GetValueOrDefault("payment_method"));
                        return Ok(_objects[id]);
                    }
                    if (f.GetValueOrDefault("payment_method") == DecliningCard)
                    {
                        const string code = "insufficient_funds";
                        _objects[id] = StripeObjects.PaymentIntent(id, amount, "requires_payment_method", null, Metadata(f, "metadata"), f.GetValueOrDefault("customer"), f.GetValueOrDefault("payment_method"));
                        return (402, Error("card_error", code, "Your card was declined.", id));
                    }
                    var ch = NewId("ch");
                    _objects[id] = StripeObjects.PaymentIntent(id, amount, "succeeded", ch, Metadata(f, "metadata"), f.GetValueOrDefault("customer"), f.GetValueOrDefault("payment_method"));
                    _objects[ch] = StripeObjects.Charge(ch, id, amount, 0, null);
                    return Ok(_objects[id]);
                }
                case ("GET", ["v1", "payment_intents", var id]):
                    return _objects.TryGetValue(id, out var pi2) ? Ok(pi2) : Missing(id);
                case ("GET", ["v1", "setup_intents", var id]):
                    return _objects.TryGetValue(id, out var seti) ? Ok(seti) : Missing(id);
                case ("GET", ["v1", "payment_methods", var id]):
                    return Ok(PaymentMethod(id));
                case ("POST", ["v1", "payment_methods", var id, "detach"]):
                    return Ok(PaymentMethod(id));
                case ("GET", ["v1", "charges", var id]):
                    return _objects.TryGetValue(id, out var c) ? Ok(c) : Missing(id);
                case ("POST", ["v1", "refunds"]):
                {
                    var pi = f.GetValueOrDefault("payment_intent");
                    if (pi is null || !_objects.TryGetValue(pi, out var intent) || (string?)intent["latest_charge"] is not { } chargeId)
                        return (400, Error("invalid_request_error", "resource_missing", "No such payment_intent."));
                    var charge = _objects[chargeId];
                    var amount = f.TryGetValue("amount", out var a) ? long.Parse(a) : (long)charge["amount"]! - (long)charge["amount_refunded"]!;
                    if (amount <= 0 || (long)charge["amount_refunded"]! + amount > (long)charge["amount"]!)
                        return (400, Error("invalid_request_error", "amount_too_large", "Refund amount is greater than unrefunded amount on charge."));
                    var (refund, _) = CreateRefund(chargeId, amount, "succeeded");
                    refund["metadata"] = Metadata(f, "metadata");
                    _objects[(string)refund["id"]!]["metadata"] = Metadata(f, "metadata");
                    return Ok(refund);
                }
                case ("GET", ["v1", "refunds"]):
                {
                    // By charge, or by payment intent (its charge).
                    var chargeId = f.GetValueOrDefault("charge")
                        ?? (f.GetValueOrDefault("payment_intent") is { } pi && _objects.TryGetValue(pi, out var intent) ? (string?)intent["latest_charge"] : null);
                    return Ok(StripeObjects.List(RefundsOf(chargeId ?? ""), "/v1/refunds"));
                }
                default:
                    return (404, Error("invalid_request_error", "resource_missing", $"Unrecognized request URL ({method}: {path})."));
            }
        }
    }

    private static JsonObject Metadata(Dictionary<string, string> f, string prefix)
    {
        var meta = new JsonObject();
        foreach (var (k, v) in f)
            if (k.StartsWith(prefix + "[", StringComparison.Ordinal) && k.EndsWith(']') && k.IndexOf('[', prefix.Length + 1) < 0)
                meta[k[(prefix.Length + 1)..^1]] = v;
        return meta;
    }

    private static (int, string) Ok(JsonNode node) => (200, node.ToJsonString());

    private static (int, string) Missing(string id) => (404, Error("invalid_request_error", "resource_missing", $"No such object: '{id}'"));

    private static string Error(string type, string? code, string message, string? paymentIntent = null) =>
        new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["type"] = type, ["code"] = code, ["decline_code"] = type == "card_error" ? code : null, ["message"] = message,
                ["payment_intent"] = paymentIntent is null ? null : new JsonObject { ["id"] = paymentIntent, ["object"] = "payment_intent" },
            },
        }.ToJsonString();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
