using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

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
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        _accountId = user?.GetAccountId();
        _resolved = true;
    }

    private bool IsOnThisPage =>
        Navigation.ToBaseRelativePath(Navigation.Uri).Split('?', '#')[0].Equals("billing", StringComparison.OrdinalIgnoreCase);

    public static int IndexOf(string? tab)
    {
        for (var i = 0; i < Tabs.Count; i++)
        {
            if (string.Equals(Tabs[i], tab?.Trim(), StringComparison.OrdinalIgnoreCase))
                return i;
        }
        return 0;
    }

    private void OnTabChanged(int index)
    {
        // MudTabs also reports a change when its panels are disposed: after a prerender, or when the user has left the
        // page. Only a user's choice on this page moves the address.
        if (index == _tabIndex || index < 0 || index >= Tabs.Count || !RendererInfo.IsInteractive || !IsOnThisPage)
            return;
        _tabIndex = index;
        var uri = Navigation.GetUriWithQueryParameter("tab", index == 0 ? null : Tabs[index]);
        Navigation.NavigateTo(uri, replace: true);
    }
}
