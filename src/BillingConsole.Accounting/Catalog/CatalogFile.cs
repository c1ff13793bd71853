using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Catalog;

/// <summary>
/// The reviewed catalog data file (price-catalog.json, embedded in this assembly): models with their public list
/// prices (market) and ours, per million tokens, and priced units (GPU-hours, GB-days, images, seconds: a <c>unit</c>
/// and, per version, <c>unit_price</c> and <c>market_unit_price</c> per unit). <see cref="SyncAsync"/> adds new models and price versions to the
/// database and refuses to change a version that already exists, because settled requests were priced by it.
/// </summary>
public static class CatalogFile
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public sealed record FileModel(string Provider, string Slug, string Name, string Type, int ContextWindow,
        string[] Capabilities, FilePrice[] Prices, bool Enabled = true, string Unit = PriceUnits.Tokens);

    /// <summary>Token prices per million tokens, or (for a priced unit) <see cref="UnitPrice"/> per unit; the other
    /// kind is left out and is zero.</summary>
    public sealed record FilePrice(string EffectiveFrom, string Input = "0", string Output = "0", string CachedInput = "0",
        string MarketInput = "0", string MarketOutput = "0", string MarketCachedInput = "0", string UnitPrice = "0", string MarketUnitPrice = "0");

    private sealed record FileRoot([property: JsonPropertyName("models")] FileModel[] Models);

    public static IReadOnlyList<FileModel> Load()
    {
        using var stream = typeof(CatalogFile).Assembly.GetManifestResourceStream("BillingConsole.Accounting.Catalog.price-catalog.json")
            ?? throw new InvalidOperationException("price-catalog.json is not embedded.");
        return JsonSerializer.Deserialize<FileRoot>(stream, Json)?.Models ?? [];
    }

    /// <summary>Brings the database up to the file; returns how many models and versions it added.</summary>
    public static async Task<(int Models, int Versions)> SyncAsync(IDbContextFactory<BillingDbContext> dbFactory, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = await db.CatalogModels.ToDictionaryAsync(m => m.Slug, ct);
        var prices = (await db.ModelPrices.AsNoTracking().ToListAsync(ct)).ToLookup(p => p.ModelId);
        var (addedModels, addedVersions) = (0, 0);
        foreach (var file in Load())
        {
            if (!ModelTypes.All.Contains(file.Type))
                throw new InvalidOperationException($"Catalog model {file.Slug} has unknown type '{file.Type}'.");
            if (!PriceUnits.All.Contains(file.Unit))
                throw new InvalidOperationException($"Catalog model {file.Slug} has unknown unit '{file.Unit}'.");
            if (!existing.TryGetValue(file.Slug, out var model))
            {
                model = new CatalogModel { Provider = file.Provider, Slug = file.Slug, DisplayName = file.Name, Type = file.Type };
                db.CatalogModels.Add(model);
                existing[file.Slug] = model;
                addedModels++;
            }
            model.Provider = file.Provider;
            model.DisplayName = file.Name;
            model.Type = file.Type;
            model.ContextWindow = file.ContextWindow;
            model.Capabilities = string.Join(',', file.Capabilities);
            model.Enabled = file.Enabled;
            model.Unit = file.Unit;
            await db.SaveChangesAsync(ct);
            foreach (var version in file.Prices.Select(p => ToPrice(model.Id, file, p)))
            {
                var stored = prices[model.Id].FirstOrDefault(p => p.EffectiveFrom == version.EffectiveFrom);
                if (stored is null)
                {
                    db.ModelPrices.Add(version);
                    addedVersions++;
                }
                else if (!SamePrices(stored, version))
                    throw new InvalidOperationException(
                        $"The {file.Slug} price version of {version.EffectiveFrom:yyyy-MM-dd} differs from the stored one; add a new version instead of editing it.");
            }
        }
        await db.SaveChangesAsync(ct);
        return (addedModels, addedVersions);
    }

    private static ModelPrice ToPrice(long modelId, FileModel file, FilePrice p)
    {
        var slug = file.Slug;
        var price = ToPrice(modelId, slug, p);
        // One kind of price per entry, so a call's shape (tokens or quantity) can never meet a price of the other kind.
        var tokenPrices = price.InputPerMillion | price.OutputPerMillion | price.CachedInputPerMillion
            | price.MarketInputPerMillion | price.MarketOutputPerMillion | price.MarketCachedInputPerMillion;
        if (file.Unit == PriceUnits.Tokens ? price.UnitPrice != 0 || price.MarketUnitPrice != 0 : tokenPrices != 0)
            throw new InvalidOperationException($"Catalog model {slug} is priced per {file.Unit}: give only that kind of price.");
        return price;
    }

    private static ModelPrice ToPrice(long modelId, string slug, FilePrice p) => new()
    {
        ModelId = modelId,
        EffectiveFrom = DateTime.SpecifyKind(DateTime.ParseExact(p.EffectiveFrom, "yyyy-MM-dd", CultureInfo.InvariantCulture), DateTimeKind.Utc),
        InputPerMillion = Price(slug, p.Input),
        OutputPerMillion = Price(slug, p.Output),
        CachedInputPerMillion = Price(slug, p.CachedInput),
        MarketInputPerMillion = Price(slug, p.MarketInput),
        MarketOutputPerMillion = Price(slug, p.MarketOutput),
        MarketCachedInputPerMillion = Price(slug, p.MarketCachedInput),
        UnitPrice = Price(slug, p.UnitPrice, Pricing.MaxUnitPrice),
        MarketUnitPrice = Price(slug, p.MarketUnitPrice, Pricing.MaxUnitPrice),
    };

    private static long Price(string slug, string text, long max = Pricing.MaxPricePerMillion) =>
        Money.TryParse(text, out var m) && m.Units >= 0 && m.Units <= max
            ? m.Units
            : throw new InvalidOperationException($"Catalog model {slug} has an invalid price '{text}'.");

    private static bool SamePrices(ModelPrice a, ModelPrice b) =>
        (a.InputPerMillion, a.OutputPerMillion, a.CachedInputPerMillion, a.MarketInputPerMillion, a.MarketOutputPerMillion, a.MarketCachedInputPerMillion,
            a.UnitPrice, a.MarketUnitPrice)
        == (b.InputPerMillion, b.OutputPerMillion, b.CachedInputPerMillion, b.MarketInputPerMillion, b.MarketOutputPerMillion, b.MarketCachedInputPerMillion,
            b.UnitPrice, b.MarketUnitPrice);
}
