namespace BillingConsole.Accounting.Usage;

/// <summary>What usage rows are grouped on. Fields of a row that are not grouped on are null.</summary>
[Flags]
public enum UsageDimensions
{
    None = 0,
    Day = 1,
    Model = 2,
    Provider = 4,
    Key = 8,
    Type = 16,
    /// <summary>The call's tags, from the request records: a call with two tags counts under each, so tag rows can add
    /// up to more than the total.</summary>
    Tag = 32,
}

public static class UsageGrouping
{
    public static readonly UsageDimensions Default = UsageDimensions.Day | UsageDimensions.Model;

    private static readonly Dictionary<string, UsageDimensions> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["day"] = UsageDimensions.Day,
        ["model"] = UsageDimensions.Model,
        ["provider"] = UsageDimensions.Provider,
        ["key"] = UsageDimensions.Key,
        ["type"] = UsageDimensions.Type,
        ["tag"] = UsageDimensions.Tag,
    };

    /// <summary>Parses a comma list such as <c>day,model</c>; null means <see cref="Default"/>. Returns an error
    /// message for an empty item or an unknown name.</summary>
    public static string? TryParse(string? text, out UsageDimensions dimensions)
    {
        dimensions = Default;
        if (text is null)
            return null;
        var result = UsageDimensions.None;
        foreach (var item in text.Split(','))
        {
            if (!Names.TryGetValue(item.Trim(), out var dimension))
                return $"group_by is a comma list of {string.Join(", ", Names.Keys)}; '{item.Trim()}' is not one of them.";
            result |= dimension;
        }
        dimensions = result;
        return null;
    }
}
