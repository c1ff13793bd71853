using System.Text.RegularExpressions;

namespace BillingConsole.Accounting.Metering;

/// <summary>What a tag may be: the one rule for tags a gateway sends and tags a reader filters on.</summary>
public static partial class TagRule
{
    /// <summary>The rule in words, for refusal messages.</summary>
    public const string Text = "1 to 64 letters, digits and _ . : / -";

    [GeneratedRegex("^[A-Za-z0-9_.:/-]{1,64}$")]
    private static partial Regex Pattern();

    public static bool IsValid(string? tag) => tag is not null && Pattern().IsMatch(tag);
}
