using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Catalog;

public static class ModelTypes
{
    public const string Chat = "chat";
    public const string Embedding = "embedding";
    public const string Image = "image";
    public const string Audio = "audio";
    public const string Video = "video";
    /// <summary>GPU time, priced per GPU-hour.</summary>
    public const string Compute = "compute";
    /// <summary>Stored data, priced per GB-day and charged as storage_billing.</summary>
    public const string Storage = "storage";

    public static readonly IReadOnlySet<string> All = new HashSet<string>([Chat, Embedding, Image, Audio, Video, Compute, Storage]);
}

/// <summary>A model a gateway can meter. Prices live in <see cref="ModelPrice"/> versions.</summary>
public sealed class CatalogModel
{
    public long Id { get; set; }
    public required string Provider { get; set; }
    /// <summary>The name gateways send, unique: "gpt-4o", "claude-sonnet-4-5".</summary>
    public required string Slug { get; set; }
    public required string DisplayName { get; set; }
    public required string Type { get; set; }
    public int ContextWindow { get; set; }
    /// <summary>Comma-separated flags: vision, tools, json, reasoning, streaming, caching.</summary>
    public string Capabilities { get; set; } = "";
    public bool Enabled { get; set; } = true;
    /// <summary>What it is priced by (<see cref="PriceUnits"/>): tokens, or one priced unit metered as a quantity.</summary>
    public string Unit { get; set; } = PriceUnits.Tokens;

    public bool IsPricedPerUnit => Unit != PriceUnits.Tokens;
}

/// <summary>One price version of a model, in force from <see cref="EffectiveFrom"/> until the next version. Prices are
/// nano-dollars per million tokens (token models) or per unit (<see cref="UnitPrice"/>, every other unit); versions are
/// never edited, so a settled request always explains its own price.</summary>
public sealed class ModelPrice
{
    public long Id { get; set; }
    public long ModelId { get; set; }
    public DateTime EffectiveFrom { get; set; }
    public long InputPerMillion { get; set; }
    public long OutputPerMillion { get; set; }
    public long CachedInputPerMillion { get; set; }
    /// <summary>What the provider charges directly (its public list price), for savings.</summary>
    public long MarketInputPerMillion { get; set; }
    public long MarketOutputPerMillion { get; set; }
    public long MarketCachedInputPerMillion { get; set; }
    /// <summary>Nano-dollars per unit (GPU-hour, GB-day, image, second); 0 for token models.</summary>
    public long UnitPrice { get; set; }
    public long MarketUnitPrice { get; set; }
}

internal sealed class CatalogModelConfiguration : IEntityTypeConfiguration<CatalogModel>
{
    public void Configure(EntityTypeBuilder<CatalogModel> b)
    {
        b.ToTable("catalog_models");
        b.Property(m => m.Provider).HasMaxLength(64);
        b.Property(m => m.Slug).HasMaxLength(128);
        b.Property(m => m.DisplayName).HasMaxLength(200);
        b.Property(m => m.Type).HasMaxLength(16);
        b.Property(m => m.Capabilities).HasMaxLength(200);
        b.Property(m => m.Unit).HasMaxLength(16).HasDefaultValue(PriceUnits.Tokens);
        b.HasIndex(m => m.Slug).IsUnique();
    }
}

internal sealed class ModelPriceConfiguration : IEntityTypeConfiguration<ModelPrice>
{
    public void Configure(EntityTypeBuilder<ModelPrice> b)
    {
        b.ToTable("model_prices");
        b.HasIndex(p => new { p.ModelId, p.EffectiveFrom }).IsUnique();
        b.HasOne<CatalogModel>().WithMany().HasForeignKey(p => p.ModelId).OnDelete(DeleteBehavior.Restrict);
    }
}
