using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Usage;
using Microsoft.AspNetCore.Components;

namespace BillingConsole.Web.Components.Usage;

/// <summary>The rows of <see cref="UsageQueries.GetUsageAsync"/> in their order, 50 to a page, with a column for each
/// grouped dimension and a total row (exact sums; none by tag, where a call counts under each of its tags).</summary>
public partial class UsageTable
{
    public const int PageSize = 50;

    private int _page = 1;
    private IReadOnlyList<UsageRow>? _shownRows;

    [Inject] private PriceCatalog Catalog { get; set; } = default!;

    [Parameter, EditorRequired] public IReadOnlyList<UsageRow> Rows { get; set; } = [];

    [Parameter, EditorRequired] public UsageDimensions Dimensions { get; set; }

    [Parameter] public UsageRange Range { get; set; }

    /// <summary>API key names by id, for the key column.</summary>
    [Parameter] public IReadOnlyDictionary<long, string> KeyNames { get; set; } = new Dictionary<long, string>();

    private bool ByDay => Dimensions.HasFlag(UsageDimensions.Day);
    private bool ByKey => Dimensions.HasFlag(UsageDimensions.Key);
    private bool ByProvider => Dimensions.HasFlag(UsageDimensions.Provider);
    private bool ByModel => Dimensions.HasFlag(UsageDimensions.Model);
    private bool ByType => Dimensions.HasFlag(UsageDimensions.Type);
    private bool ByTag => Dimensions.HasFlag(UsageDimensions.Tag);

    private int LabelColumns => (ByDay ? 1 : 0) + (ByKey ? 1 : 0) + (ByTag ? 1 : 0) + (ByProvider ? 1 : 0) + (ByModel ? 1 : 0) + (ByType ? 1 : 0);

    private bool HasLabelColumns => LabelColumns > 0;

    private int PageCount => Math.Max(1, (Rows.Count + PageSize - 1) / PageSize);

    private IEnumerable<UsageRow> PageRows => Rows.Skip((_page - 1) * PageSize).Take(PageSize);

    private Money TotalCost => Rows.Aggregate(Money.Zero, (sum, r) => sum + r.Cost);

    private string GroupsText
    {
        get
        {
            var names = new List<string>();
            if (ByDay) names.Add("date");
            if (ByKey) names.Add("API key");
            if (ByTag) names.Add("tag");
            if (ByProvider && !ByModel) names.Add("provider");
            if (ByModel) names.Add("model");
            if (ByType && !ByModel) names.Add("type");
            return names.Count == 0 ? "nothing (one total)" : string.Join(", ", names);
        }
    }

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_shownRows, Rows))
        {
            _shownRows = Rows;
            _page = 1;
        }
    }

    private void OnPageChanged(int page) => _page = Math.Clamp(page, 1, PageCount);

    private string KeyName(long? keyId) => keyId switch
    {
        null => "No key",
        { } id when KeyNames.TryGetValue(id, out var name) => name,
        { } id => $"Key #{id}",
    };
}
