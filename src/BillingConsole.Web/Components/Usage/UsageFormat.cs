using System.Globalization;
using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Usage;

namespace BillingConsole.Web.Components.Usage;

/// <summary>What the usage table and charts group on. Each choice maps to <see cref="UsageDimensions"/>; a model
/// implies its provider and type (one model has one of each), so grouping by model also fills those columns without
/// splitting any row. A tag splits a call with several tags into a row per tag.</summary>
public enum UsageGroup
{
    Date,
    Key,
    Provider,
    Model,
    Type,
    Tag,
}

public static class UsageFormat
{
    public static readonly IReadOnlyList<UsageGroup> Groups =
        [UsageGroup.Date, UsageGroup.Key, UsageGroup.Tag, UsageGroup.Provider, UsageGroup.Model, UsageGroup.Type];

    /// <summary>How a call without tags is shown in a by-tag row or chart.</summary>
    public const string NoTag = "(no tag)";

    /// <summary>The default grouping: per day and model.</summary>
    public static readonly IReadOnlyCollection<UsageGroup> DefaultGroups = [UsageGroup.Date, UsageGroup.Model];

    public static string Label(UsageGroup group) => group switch
    {
        UsageGroup.Date => "Date",
        UsageGroup.Key => "API key",
        UsageGroup.Provider => "Provider",
        UsageGroup.Model => "Model",
        UsageGroup.Type => "Type",
        UsageGroup.Tag => "Tag",
        _ => group.ToString(),
    };

    /// <summary>The <see cref="UsageDimensions"/> the table asks <see cref="UsageQueries.GetUsageAsync"/> for.</summary>
    public static UsageDimensions Dimensions(IEnumerable<UsageGroup> groups)
    {
        var result = UsageDimensions.None;
        foreach (var group in groups)
        {
            result |= group switch
            {
                UsageGroup.Date => UsageDimensions.Day,
                UsageGroup.Key => UsageDimensions.Key,
                UsageGroup.Provider => UsageDimensions.Provider,
                UsageGroup.Model => UsageDimensions.Model | UsageDimensions.Provider | UsageDimensions.Type,
                UsageGroup.Type => UsageDimensions.Type,
                UsageGroup.Tag => UsageDimensions.Tag,
                _ => UsageDimensions.None,
            };
        }
        return result;
    }

    private static readonly Dictionary<string, string> ProviderNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["openai"] = "OpenAI",
        ["anthropic"] = "Anthropic",
        ["google"] = "Google",
        ["mistral"] = "Mistral",
        ["meta"] = "Meta",
        ["deepseek"] = "DeepSeek",
        ["cohere"] = "Cohere",
        ["xai"] = "xAI",
    };

    public static string Provider(string? provider) =>
        provider is null ? "Unknown" : ProviderNames.TryGetValue(provider, out var name) ? name : provider;

    /// <summary>The catalog's display name of a model slug ("GPT-5"), else the slug.</summary>
    public static string Model(string? slug, PriceCatalog catalog) =>
        slug is null ? "Unknown" : catalog.FindBySlug(slug)?.Model.DisplayName ?? slug;

    public static string Tag(string? tag) => tag ?? NoTag;

    public static string Type(string? type) => type is null or ""
        ? "—"
        : char.ToUpper(type[0], CultureInfo.InvariantCulture) + type[1..];
}
