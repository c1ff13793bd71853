using System.Collections.Concurrent;
using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Metering;

/// <summary>
/// How a gateway's call becomes ledger entries: reserve the call's maximum plausible cost (max input + max output tokens
/// at the price in force now), then settle to the real cost of the tokens used, priced by the version the hold was made
/// under, or release the hold. Failed calls (status error with no output tokens) settle at zero cost: the customer pays
/// nothing for a call that produced nothing.
/// </summary>
public sealed partial class MeteringService(LedgerWriter ledger, PriceCatalog catalog, IDbContextFactory<BillingDbContext> dbFactory, TimeProvider clock)
{
    public static readonly Origin Gateway = new(EntrySources.MeteringApi, "gateway");

    // A key's account never changes, so the mapping is safe to keep; revocation is checked by the ledger batch itself.
    private readonly ConcurrentDictionary<long, long> _keyAccounts = new();

    public async Task<LedgerResult<MeteredHold>> ReserveAsync(MeterReserveCommand c, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(c.IdempotencyKey))
            return Invalid<MeteredHold>("idempotency_key is required.");
        if (c.MaxInputTokens is < 0 or > Pricing.MaxTokens || c.MaxOutputTokens is < 0 or > Pricing.MaxTokens)
            return Invalid<MeteredHold>($"max_input_tokens and max_output_tokens are whole numbers from 0 to {Pricing.MaxTokens:N0}.");
        if (c.MaxInputTokens + c.MaxOutputTokens == 0)
            return Invalid<MeteredHold>("A call needs at least one input or output token.");
        if (NormalizeTags(c.Tags, out var tags) is { } tagError)
            return Invalid<MeteredHold>(tagError);
        var model = catalog.FindBySlug(c.Model);
        if (model is null || !model.Model.Enabled)
            return Invalid<MeteredHold>($"Unknown or disabled model '{c.Model}'.");
        if (model.Model.IsPricedPerUnit)
            return Invalid<MeteredHold>($"{model.Model.Slug} is priced per {PriceUnits.Label(model.Model.Unit)}: reserve it with sku and quantity.");
        if (model.Model.ContextWindow > 0 && c.MaxInputTokens + c.MaxOutputTokens > model.Model.ContextWindow)
            return Invalid<MeteredHold>($"{model.Model.Slug} has a context window of {model.Model.ContextWindow:N0} tokens.");
        var price = model.PriceAt(clock.GetUtcNow().UtcDateTime);
        if (price is null)
            return Invalid<MeteredHold>($"{model.Model.Slug} has no price in force yet.");
        if (await AccountOfKeyAsync(c.ApiKeyId, ct) is not { } accountId)
            return LedgerResult<MeteredHold>.Fail(LedgerError.NotFound, "No such API key.");

        var hold = new Money(Math.Max(1, Pricing.Cost(new TokenCounts(c.MaxInputTokens, c.MaxOutputTokens, 0), price)));
        var result = await ledger.ReserveAsync(new ReserveRequest(accountId, hold,
            MeteringTexts.Hold(model.Model, c.MaxInputTokens, c.MaxOutputTokens),
            Gateway, c.IdempotencyKey, c.Ttl,
            new MeteredCall(c.ApiKeyId, model.Model.Id, price.Id, c.MaxInputTokens, c.MaxOutputTokens, tags)), ct);
        return result.Value is { } v
            ? LedgerResult<MeteredHold>.Ok(new MeteredHold(v.ReservationId, accountId, v.Held, v.BalanceAfter, v.ExpiresAt, v.Replayed))
            : result.Failure!;
    }

    public async Task<LedgerResult<MeteredSettlement>> SettleAsync(MeterSettleCommand c, CancellationToken ct = default) =>
        (await SettleManyAsync([c], ct))[0];

    /// <summary>Settles many calls, most of them in one ledger transaction (see <see cref="LedgerWriter.SettleManyAsync"/>);
    /// one result per command, in order, each succeeding or failing on its own.</summary>
    public async Task<IReadOnlyList<LedgerResult<MeteredSettlement>>> SettleManyAsync(IReadOnlyList<MeterSettleCommand> commands, CancellationToken ct = default)
    {
        var results = new LedgerResult<MeteredSettlement>[commands.Count];
        var valid = new List<int>();
        foreach (var (c, i) in commands.Select((c, i) => (c, i)))
        {
            if (c.Status is RequestStatus.Success or RequestStatus.Error)
                valid.Add(i);
            else
                results[i] = Invalid<MeteredSettlement>("status is success or error.");
        }
        var unitHolds = await UnitHoldsAsync(valid.Select(i => commands[i]), ct);
        var requests = valid.Select(i => commands[i].Quantity is { } q ? ToUnitSettleRequest(commands[i], q, unitHolds) : ToSettleRequest(commands[i])).ToList();
        // One call keeps the single path: one batch, no lock-order read and no client transaction around it.
        var settled = requests.Count == 1
            ? [await ledger.SettleAsync(requests[0], ct)]
            : await ledger.SettleManyAsync(requests, ct);
        for (var k = 0; k < valid.Count; k++)
            results[valid[k]] = settled[k].Value is { } v
                ? LedgerResult<MeteredSettlement>.Ok(new MeteredSettlement(v.ReservationId, v.Cost, v.MarketCost, v.Amount, v.BalanceAfter,
                    requests[k].Outcome!.Charge, v.Replayed))
                : settled[k].Failure!;
        return results;
    }

    private static SettleRequest ToSettleRequest(MeterSettleCommand c)
    {
        var t = c.Tokens;
        var outcome = new CallOutcome(t, c.Status, MeteringTexts.IsCharged(c.Status, t), Trim(c.ErrorCode, 64), c.LatencyMs, c.TtfbMs, c.Streaming,
            Trim(c.Provider, 64), Trim(c.ClientIp, 64), Trim(c.UserAgent, 300), c.HttpStatus);
        return new SettleRequest(null, c.ReservationId, Money.Zero, MeteringTexts.Settled(c.Status, t, c.ErrorCode), Gateway, outcome);
    }

    public async Task<LedgerResult<MeteredRelease>> ReleaseAsync(long reservationId, string? reason, CancellationToken ct = default)
    {
        var result = await ledger.ReleaseAsync(new ReleaseRequest(null, reservationId, MeteringTexts.Released(reason), Gateway), ct);
        return result.Value is { } v
            ? LedgerResult<MeteredRelease>.Ok(new MeteredRelease(v.ReservationId, v.Amount, v.BalanceAfter, v.Replayed))
            : result.Failure!;
    }

    /// <summary>Releases many holds, most of them in one ledger transaction; one result per item, in order.</summary>
    public async Task<IReadOnlyList<LedgerResult<MeteredRelease>>> ReleaseManyAsync(IReadOnlyList<(long ReservationId, string? Reason)> items,
        CancellationToken ct = default)
    {
        var released = await ledger.ReleaseManyAsync(items.Select(x => new ReleaseRequest(null, x.ReservationId, MeteringTexts.Released(x.Reason), Gateway)).ToList(), ct);
        return released.Select(result => result.Value is { } v
            ? LedgerResult<MeteredRelease>.Ok(new MeteredRelease(v.ReservationId, v.Amount, v.BalanceAfter, v.Replayed))
            : result.Failure!).ToList();
    }

    public Task<LedgerResult<HoldExtension>> ExtendAsync(long reservationId, TimeSpan ttl, CancellationToken ct = default) =>
        ledger.ExtendAsync(reservationId, ttl, ct);

    /// <summary>One hold as its gateway sees it, or null when there is none.</summary>
    public async Task<MeteredHoldView?> FindReservationAsync(long reservationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hold = await db.Reservations.AsNoTracking().Where(r => r.Id == reservationId)
            .Select(r => new
            {
                r.Id, r.AccountId, r.ApiKeyId, r.Status, r.Amount, r.Cost, r.CreatedAt, r.ExpiresAt, r.ResolvedAt, r.TtlSeconds,
                Model = db.CatalogModels.Where(m => m.Id == r.ModelId).Select(m => m.Slug).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(ct);
        if (hold is null)
            return null;
        var late = hold.Status == ReservationStatus.SettledLate;
        var closed = hold.Status != ReservationStatus.Open;
        return new MeteredHoldView(hold.Id, hold.AccountId, hold.ApiKeyId, hold.Model, late ? ReservationStatus.Settled : hold.Status, late,
            new Money(hold.Amount), closed ? new Money(hold.Cost ?? 0) : null, hold.CreatedAt, hold.ExpiresAt, hold.ResolvedAt, hold.TtlSeconds);
    }

    /// <summary>The account a key belongs to, or null when there is no such key.</summary>
    public async Task<long?> AccountOfKeyAsync(long apiKeyId, CancellationToken ct = default)
    {
        if (_keyAccounts.TryGetValue(apiKeyId, out var cached))
            return cached;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var accountId = await db.ApiKeys.Where(k => k.Id == apiKeyId).Select(k => (long?)k.AccountId).FirstOrDefaultAsync(ct);
        if (accountId is { } id)
            _keyAccounts[apiKeyId] = id;
        return accountId;
    }

    /// <summary>Tags are short labels (letters, digits and _ . : / -), at most ten, stored sorted and comma-separated.</summary>
    public static string? NormalizeTags(IReadOnlyList<string>? tags, out string? normalized)
    {
        normalized = null;
        if (tags is null || tags.Count == 0)
            return null;
        if (tags.Count > MeteringLimits.MaxTags)
            return $"At most {MeteringLimits.MaxTags} tags.";
        var clean = tags.Select(t => t?.Trim() ?? "").ToList();
        if (clean.FirstOrDefault(t => !TagRule.IsValid(t)) is { } bad)
            return $"Tag '{bad}' is not allowed: use {TagRule.Text}.";
        normalized = string.Join(',', clean.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return null;
    }

    private static string? Trim(string? text, int max) => MeteringTexts.Trim(text, max);

    private static LedgerResult<T> Invalid<T>(string message) where T : class => LedgerResult<T>.Fail(LedgerError.InvalidRequest, message);
}
