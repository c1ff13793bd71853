using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;

namespace BillingConsole.Demo;

/// <summary>
/// Deterministic, realistic traffic for one account: a weekday-shaped mix of models and keys, streaming calls, cached
/// prompts, failures before and after output, cancellations, calls that cost more than their hold, one leaked hold that
/// the expiry pass releases, daily storage, batch usage, purchases with their platform fee, auto-recharges, a contract
/// grant, a refund, a card refund, a chargeback and a correction. It tracks the balance itself (with the same pricing
/// rule as the ledger) so that every event it emits succeeds, whichever loader applies it.
/// </summary>
public static class TrafficGenerator
{
    private static readonly (string Slug, int Weight)[] Mix =
    [
        ("gpt-4o-mini", 25), ("gpt-4.1-mini", 14), ("claude-sonnet-4-5", 14), ("gpt-4o", 9), ("gemini-2.5-flash", 10),
        ("claude-haiku-4-5", 8), ("text-embedding-3-small", 10), ("o4-mini", 4), ("gpt-5", 4), ("deepseek-chat", 2),
    ];

    private static readonly string[][] KeyTags = [["prod", "team:search"], ["prod", "team:support"], ["staging"], ["batch", "team:data"]];
    private static readonly string[] Errors = ["upstream_503", "rate_limited", "timeout", "context_length_exceeded"];
    private static readonly string[] Agents = ["acme-gateway/3.2 (python-httpx)", "acme-gateway/3.2 (node-fetch)", "support-bot/1.8"];

    private static readonly Origin Stripe = new(EntrySources.PaymentWebhook, "stripe");
    private static readonly Origin Admin = new(EntrySources.Admin, DemoData.AdminEmail);
    private static readonly Origin System = new(EntrySources.System, "system");

    public static IReadOnlyList<TrafficEvent> Generate(TrafficPlan plan, PriceCatalog catalog)
    {
        var random = new Random(plan.Seed);
        var models = Mix.Select(m => (Model: catalog.FindBySlug(m.Slug) ?? throw new InvalidOperationException($"The catalog lacks {m.Slug}."), m.Weight)).ToList();
        var totalWeight = models.Sum(m => m.Weight);
        var events = new List<TrafficEvent>();
        var balance = 0L;
        var next = 0;
        string Key() => $"demo-{plan.AccountId}-{++next}";
        var start = plan.End.Date.AddDays(-plan.Days);
        var clock = start.AddHours(8);

        DateTime Tick(DateTime at) => clock = Micro(at > clock ? at : clock.AddMilliseconds(1));

        // What ended calls give back (hold − cost), by end time: calls overlap, and a loader applies each call's end at its
        // own time (TrafficSchedule). An overrun (cost above the hold) is taken at once instead, so this balance is never
        // above the ledger's at any event and every event it allows succeeds.
        var returns = new PriorityQueue<long, (DateTime EndAt, long Order)>();
        var ended = 0L;
        void ReturnsDueBy(DateTime at)
        {
            while (returns.TryPeek(out _, out var due) && due.EndAt <= at)
                balance += returns.Dequeue();
        }

        void Post(string type, long amount, string description, Origin origin, string? refId = null)
        {
            var at = Tick(clock);
            ReturnsDueBy(at);
            events.Add(new PostEvent(at, plan.AccountId, type, amount, description, origin, refId, Key()));
            balance += amount;
        }

        void Purchase(long dollars, string session)
        {
            Post(EntryTypes.Topup, Money.FromDollars(dollars).Units, $"Credit purchase, Stripe Checkout {session}", Stripe, session);
            Post(EntryTypes.PlatformFee, -Money.FromDollars(dollars).Units / 20, $"5% platform fee on {session}", Stripe, session);
        }

        void RechargeIfBelow(long needed)
        {
            while (balance - needed < Money.FromDollars(10).Units)
                Post(EntryTypes.AutoRecharge, Money.FromDollars(100).Units, "Auto-recharge: balance fell below $10.00", System, $"pi_demo_{next + 1}");
        }

        Tick(start.AddHours(8));
        Post(EntryTypes.Bonus, Money.FromDollars(5).Units, "Welcome credit", System);
        Purchase(20, "cs_demo_0001");
        var perDay = Math.Max(1.0, plan.Requests / (double)plan.Days);
        var remaining = plan.Requests;
        var leakDay = Math.Max(0, plan.Days - 10);
        for (var day = 0; day < plan.Days && remaining > 0; day++)
        {
            var dayStart = start.AddDays(day);
            Tick(dayStart.AddHours(1));
            if (day == plan.Days * 3 / 5)
            {
                Post(EntryTypes.ContractGrant, Money.FromDollars(200).Units, "Enterprise contract: prepaid portion", Admin, "contract_2026");
                Post(EntryTypes.BonusGrant, Money.FromDollars(20).Units, "Enterprise contract: negotiated 10% extra", Admin, "contract_2026");
            }
            if (day == plan.Days / 3)
                Purchase(50, $"cs_demo_{day:0000}");
            if (day == plan.Days / 3 + 1)
                Post(EntryTypes.PaymentRefund, -Money.FromDollars(20).Units, $"Partial refund to card of purchase cs_demo_{day - 1:0000}", Stripe, $"re_demo_{day:0000}");
            if (day == plan.Days / 2)
                Post(EntryTypes.Refund, Money.FromCents(412).Units, "Refund of calls billed during the upstream outage", Admin, "incident_0412");
            if (day == plan.Days * 2 / 3)
                Post(EntryTypes.Dispute, -Money.FromDollars(10).Units, "Chargeback opened on purchase cs_demo_0001", Stripe, "dp_demo_0001");
            if (day == plan.Days * 2 / 3 + 3)
                Post(EntryTypes.DisputeReversal, Money.FromDollars(10).Units, "Chargeback dp_demo_0001 won: the disputed credits are restored", Stripe, "dp_demo_0001");
            if (day == plan.Days * 3 / 4)
                Post(EntryTypes.AdminCorrection, Money.FromCents(125).Units, "Correction: duplicate storage charge", Admin);
            if (day % 7 == 3)
                Post(EntryTypes.UsageDebit, -random.NextInt64(800_000_000, 4_500_000_000), "Batch embedding job (GPU time)", MeteringService.Gateway, $"batch_{day:0000}");

            var weekend = dayStart.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var today = day == plan.Days - 1 ? remaining : Math.Min(remaining, (int)Math.Round(perDay * (weekend ? 0.6 : 1.15) * (0.8 + random.NextDouble() * 0.4)));
            remaining -= today;
            var spacing = TimeSpan.FromHours(22) / Math.Max(1, today);
            for (var call = 0; call < today; call++)
            {
                var at = dayStart.AddHours(1) + spacing * call + TimeSpan.FromSeconds(random.Next(0, 30));
                var end = day == plan.Days - 1 && call == today - 1 ? CallEnd.InFlight
                    : day == leakDay && call == 0 ? CallEnd.Leaked
                    : Outcome(random);
                if (end == CallEnd.InFlight)
                    at = plan.End.AddMinutes(-1);
                var model = Pick(models, totalWeight, random);
                var ev = Call(random, model, plan.KeyIds, at, end, Key());
                var hold = Math.Max(1, Pricing.Cost(new TokenCounts(ev.MaxInput, ev.MaxOutput, 0), model.PriceAt(at)!));
                RechargeIfBelow(hold);
                at = Tick(at);
                ReturnsDueBy(at);
                ev = ev with { At = at, EndAt = Micro(at.AddMilliseconds(ev.LatencyMs)) };
                events.Add(ev);
                balance -= hold;
                if (end is CallEnd.Leaked or CallEnd.InFlight)
                    continue;
                var cost = MeteringTexts.IsCharged(ev.Status, ev.Tokens) && end != CallEnd.Cancelled ? Pricing.Cost(ev.Tokens, model.PriceAt(at)!) : 0;
                if (hold - cost < 0)
                    balance += hold - cost;
                else
                    returns.Enqueue(hold - cost, (ev.EndAt, ended++));
            }
            if (day == leakDay)
                events.Add(new ExpiryEvent(Tick(clock.AddMinutes(30))));
            Tick(dayStart.AddHours(23).AddMinutes(59));
            RechargeIfBelow(Money.FromDollars(20).Units); // the chargeback and card refund below may take up to $20
            Post(EntryTypes.StorageBilling, -random.NextInt64(90_000_000, 160_000_000), $"Storage for {dayStart:yyyy-MM-dd}: 4.2 GB of request logs", System);
        }
        return events;
    }

    private static CallEnd Outcome(Random random) => random.Next(1000) switch
    {
        < 20 => CallEnd.ErrorBeforeOutput,
        < 25 => CallEnd.ErrorAfterOutput,
        < 35 => CallEnd.Cancelled,
        _ => CallEnd.Success,
    };

    private static PricedModel Pick(List<(PricedModel Model, int Weight)> models, int total, Random random)
    {
        var roll = random.Next(total);
        foreach (var (model, weight) in models)
        {
            if (roll < weight)
                return model;
            roll -= weight;
        }
        return models[^1].Model;
    }

    private static CallEvent Call(Random random, PricedModel model, IReadOnlyList<long> keys, DateTime at, CallEnd end, string idempotencyKey)
    {
        var keyIndex = random.Next(keys.Count);
        var embedding = model.Model.Type == ModelTypes.Embedding;
        var maxIn = embedding ? random.Next(200, 2_000) : random.Next(800, 12_000);
        var maxOut = embedding ? 0 : random.Next(256, 4_096);
        var input = (long)(maxIn * (0.6 + random.NextDouble() * 0.4));
        // About one call in a hundred runs past its estimate and settles above its hold.
        var output = embedding ? 0 : random.Next(100) == 0 ? (long)(maxOut * 1.25) : (long)(maxOut * (0.1 + random.NextDouble() * 0.8));
        var cached = !embedding && random.Next(3) == 0 ? (long)(input * (0.3 + random.NextDouble() * 0.5)) : 0;
        switch (end)
        {
            case CallEnd.ErrorBeforeOutput or CallEnd.Cancelled:
                output = 0;
                break;
            case CallEnd.ErrorAfterOutput:
                output = Math.Max(1, output / 3);
                break;
        }
        var latency = embedding ? random.Next(80, 400) : random.Next(400, 9_000);
        var streaming = !embedding && random.Next(10) < 7;
        var tags = KeyTags[keyIndex % KeyTags.Length];
        return new CallEvent(at, keys[keyIndex], model, maxIn, maxOut, string.Join(',', tags.Order(StringComparer.Ordinal)), idempotencyKey, end,
            Micro(at.AddMilliseconds(latency)), new TokenCounts(input, output, cached),
            end is CallEnd.ErrorBeforeOutput or CallEnd.ErrorAfterOutput ? Errors[random.Next(Errors.Length)] : null,
            latency, streaming ? Math.Min(latency, random.Next(90, 900)) : latency, streaming,
            $"203.0.113.{random.Next(2, 250)}", Agents[random.Next(Agents.Length)]);
    }

    /// <summary>Timestamps at microsecond precision, as the ledger stores them.</summary>
    private static DateTime Micro(DateTime t) => new(t.Ticks - t.Ticks % 10, DateTimeKind.Utc);
}
