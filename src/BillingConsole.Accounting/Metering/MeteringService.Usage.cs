using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Metering;

/// <summary>Usage without a hold: a priced unit already consumed (a day of storage, a finished render) is charged as one
/// ledger entry, refused below the overdraft floor like any debit.</summary>
public sealed partial class MeteringService
{
    public const int MaxResourceText = 200;

    public async Task<LedgerResult<MeteredUsage>> RecordUsageAsync(MeterUsageCommand c, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(c.IdempotencyKey))
            return Invalid<MeteredUsage>("idempotency_key is required.");
        if (c.Quantity.Micros <= 0 || c.Quantity.Micros > Quantity.Max.Micros)
            return Invalid<MeteredUsage>($"quantity is above 0 and at most {Quantity.Max}, with up to 6 decimals.");
        if (c.Description is { } text && (string.IsNullOrWhiteSpace(text) || text.Length > MaxResourceText))
            return Invalid<MeteredUsage>($"description has 1 to {MaxResourceText} characters.");
        if (PricedUnitAt(c.Sku, out var failure) is not var (model, price))
            return failure!;
        var cost = Pricing.Cost(c.Quantity, price);
        if (cost == 0)
            return Invalid<MeteredUsage>($"{c.Quantity} {PriceUnits.Plural(model.Unit)} of {model.Slug} costs less than $0.000000001: report a larger quantity.");
        var account = await AccountOfUsageAsync(c, ct);
        if (account.Failure is not null)
            return account.Failure;
        var type = model.Type == ModelTypes.Storage ? EntryTypes.StorageBilling : EntryTypes.UsageDebit;
        var description = MeteringTexts.Usage(c.Description?.Trim(), model, c.Quantity, price, new Money(cost));
        var posted = await ledger.PostAsync(new PostRequest(account.Id, type, new Money(-cost), description, Gateway, model.Slug, c.IdempotencyKey), ct);
        if (posted.Value is not { } entry)
            return posted.Failure!;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var createdAt = await db.LedgerEntries.Where(e => e.Id == entry.EntryId).Select(e => e.CreatedAt).SingleAsync(ct);
        return LedgerResult<MeteredUsage>.Ok(new MeteredUsage(entry.EntryId, account.Id, type, entry.Amount, entry.BalanceAfter,
            new Money(Pricing.MarketCost(c.Quantity, price)), createdAt, description, model.Slug, entry.Replayed));
    }

    /// <summary>An enabled catalog entry priced per unit and its price version in force now.</summary>
    private (CatalogModel Model, ModelPrice Price)? PricedUnitAt(string? sku, out LedgerFailure? failure)
    {
        failure = null;
        var model = catalog.FindBySlug(sku);
        if (model is null || !model.Model.Enabled)
            failure = new LedgerFailure(LedgerError.InvalidRequest, $"Unknown or disabled sku '{sku}'.");
        else if (!model.Model.IsPricedPerUnit)
            failure = new LedgerFailure(LedgerError.InvalidRequest, $"{model.Model.Slug} is priced by tokens: meter it with model and token counts.");
        else if (model.PriceAt(clock.GetUtcNow().UtcDateTime) is { } price)
            return (model.Model, price);
        else
            failure = new LedgerFailure(LedgerError.InvalidRequest, $"{model.Model.Slug} has no price in force yet.");
        return null;
    }

    private async Task<(long Id, LedgerFailure? Failure)> AccountOfUsageAsync(MeterUsageCommand c, CancellationToken ct)
    {
        if (c.ApiKeyId is null == c.AccountId is null)
            return (0, new LedgerFailure(LedgerError.InvalidRequest, "Name the account with api_key_id or account_id (one of the two)."));
        if (c.AccountId is { } accountId)
            return (accountId, null);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.AsNoTracking().Where(k => k.Id == c.ApiKeyId)
            .Select(k => new { k.AccountId, k.RevokedAt }).FirstOrDefaultAsync(ct);
        if (key is null)
            return (0, new LedgerFailure(LedgerError.NotFound, "No such API key."));
        return key.RevokedAt is null ? (key.AccountId, null) : (0, new LedgerFailure(LedgerError.KeyRevoked, "The API key is revoked."));
    }
}
