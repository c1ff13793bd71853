using BillingConsole.Web.Auth;
using BillingConsole.Web.Components.Markup;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace BillingConsole.Web.Components.Pages;

/// <summary>
/// The customer's billing page for the account in the user's claims, in three tabs: Overview (balance, runway,
/// low-balance alert, this month's figures, savings), Transactions (the ledger with filters and CSV export) and Usage
/// (charts and a grouped table). The tab is in the query string (<c>/billing?tab=transactions</c>, <c>?tab=usage</c>;
/// Overview has none), so links and bookmarks open it; switching tabs replaces the address without reloading. A tab's
/// content loads the first time it is shown and is kept while the page is open.
/// </summary>
public partial class BillingPage
{
    public static readonly IReadOnlyList<string> Tabs = ["overview", "transactions", "usage"];
    private static readonly string[] TabLabels = ["Overview", "Transactions", "Usage"];
    private static readonly MarkupString[] TabIcons =
    [
        Glyph.Svg(Icons.Material.Outlined.Dashboard, "medium", "mud-tab-icon-text"),
        Glyph.Svg(Icons.Material.Outlined.ReceiptLong, "medium", "mud-tab-icon-text"),
        Glyph.Svg(Icons.Material.Outlined.QueryStats, "medium", "mud-tab-icon-text"),
    ];

    private readonly bool[] _opened = new bool[Tabs.Count];
    private long? _accountId;
    private bool _resolved;
    private int _tabIndex;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    /// <summary>A development purchase credits at once: reload so the balance and transactions show it.</summary>
    private void ReloadAfterPurchase() => Navigation.Refresh(forceReload: true);

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>overview (default), transactions or usage; anything else opens Overview.</summary>
    [SupplyParameterFromQuery(Name = "tab")] public string? Tab { get; set; }

    private string Title => _tabIndex switch
    {
        1 => "Transactions · Billing · BillingConsole",
        2 => "Usage · Billing · BillingConsole",
        _ => "Billing · BillingConsole",
    };

    protected override async Task OnParametersSetAsync()
    {
        _tabIndex = IndexOf(Tab);
        _opened[_tabIndex] = true;
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        _accountId = user?.GetAccountId();
        _resolved = true;
    }

    public static int IndexOf(string? tab)
    {
        for (var i = 0; i < Tabs.Count; i++)
        {
            if (string.Equals(Tabs[i], tab?.Trim(), StringComparison.OrdinalIgnoreCase))
                return i;
        }
        return 0;
    }

    private string PanelClass(int index) => index == _tabIndex ? "mud-tab-panel mud-tab-panel-active" : "mud-tab-panel";

    private void OnTabChanged(int index)
    {
        if (index == _tabIndex || index < 0 || index >= Tabs.Count)
            return;
        _tabIndex = index;
        _opened[index] = true;
        var uri = Navigation.GetUriWithQueryParameter("tab", index == 0 ? null : Tabs[index]);
        Navigation.NavigateTo(uri, replace: true);
    }
}
