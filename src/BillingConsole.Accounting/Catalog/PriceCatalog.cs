using System.Collections.Frozen;
using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Catalog;

public sealed record PricedModel(CatalogModel Model, IReadOnlyList<ModelPrice> Versions)
{
    /// <summary>The version in force at <paramref name="at"/>: the latest that took effect at or before it.</summary>
    public ModelPrice? PriceAt(DateTime at) => Versions.LastOrDefault(v => v.EffectiveFrom <= at);
}

/// <summary>
/// The single price catalog, held in memory (it is small and its versions never change) and reloaded after the
/// catalog file is synchronized. Metering, dashboards and the demo data all price through it.
/// </summary>
public sealed class PriceCatalog(IDbContextFactory<BillingDbContext> dbFactory)
{
    private volatile Snapshot _snapshot = Snapshot.Empty;

    private sealed record Snapshot(FrozenDictionary<string, PricedModel> BySlug, FrozenDictionary<long, PricedModel> ById)
    {
        public static readonly Snapshot Empty = new(FrozenDictionary<string, PricedModel>.Empty, FrozenDictionary<long, PricedModel>.Empty);
    }

    public IReadOnlyCollection<PricedModel> Models => _snapshot.ById.Values;

    public PricedModel? FindBySlug(string? slug) =>
        slug is not null && _snapshot.BySlug.TryGetValue(slug, out var model) ? model : null;

    public async Task ReloadAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var models = await db.CatalogModels.AsNoTracking().ToListAsync(ct);
        var prices = (await db.ModelPrices.AsNoTracking().ToListAsync(ct)).ToLookup(p => p.ModelId);
        var priced = models.Select(m => new PricedModel(m, prices[m.Id].OrderBy(p => p.EffectiveFrom).ToList())).ToList();
        _snapshot = new Snapshot(
            priced.ToFrozenDictionary(p => p.Model.Slug, StringComparer.OrdinalIgnoreCase),
            priced.ToFrozenDictionary(p => p.Model.Id));
    }
}
