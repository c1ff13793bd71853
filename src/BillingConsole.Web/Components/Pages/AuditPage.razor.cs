using BillingConsole.Web.Auth;
using BillingConsole.Web.Components.Audit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace BillingConsole.Web.Components.Pages;

/// <summary>The audit trail of the account in the user's claims. The query string may preset the filters
/// (<c>model</c>, <c>key</c>, <c>status</c>, <c>from</c>, <c>to</c>, <c>tag</c>) or show a single call (<c>reservation</c>), so
/// other pages can link straight to what they talk about.</summary>
public partial class AuditPage
{
    private long? _accountId;
    private bool _resolved;
    private AuditQuery _query = new();

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    [SupplyParameterFromQuery(Name = "reservation")] public string? Reservation { get; set; }
    [SupplyParameterFromQuery(Name = "model")] public string? Model { get; set; }
    [SupplyParameterFromQuery(Name = "key")] public string? Key { get; set; }
    [SupplyParameterFromQuery(Name = "status")] public string? Status { get; set; }
    [SupplyParameterFromQuery(Name = "from")] public string? From { get; set; }
    [SupplyParameterFromQuery(Name = "to")] public string? To { get; set; }
    [SupplyParameterFromQuery(Name = "tag")] public string? Tag { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        _accountId = user?.GetAccountId();
        _query = AuditQuery.Parse(Reservation, Model, Key, Status, From, To, Tag);
        _resolved = true;
    }
}
