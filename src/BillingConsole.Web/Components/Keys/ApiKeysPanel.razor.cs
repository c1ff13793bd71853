using BillingConsole.Accounting.Identity;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace BillingConsole.Web.Components.Keys;

/// <summary>The account's API keys with their scopes, expiry and this month's spend against each limit, and the actions
/// on them: create (the
/// secret is shown once, in the dialog), set or clear the monthly limit, revoke (after a confirmation) and usage per period.
/// Every change is made by <see cref="ApiKeyService"/> and the list is then read again, so it shows what is stored.</summary>
public partial class ApiKeysPanel : IDisposable
{
    private static readonly DialogOptions Options = new()
    {
        MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false, CloseOnEscapeKey = true, CloseButton = false,
    };

    private const int PersistedKeys = 40;

    private readonly CancellationTokenSource _cts = new();
    private List<ApiKeyView>? _keys;
    private string? _error;
    private long? _expanded;
    private long? _shownAccountId;
    private bool _canManage;

    [Inject] private ApiKeyService ApiKeys { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private ILogger<ApiKeysPanel> Logger { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    private DateTime Now => Clock.GetUtcNow().UtcDateTime;

    /// <summary>"3 active · 1 revoked", plus " · 2 expired" when some are.</summary>
    private string CountsText(List<ApiKeyView> keys)
    {
        var expired = keys.Count(k => k.RevokedAt is null && k.IsExpiredAt(Now));
        var text = $"{keys.Count(k => k.RevokedAt is null) - expired} active · {keys.Count(k => k.RevokedAt is not null)} revoked";
        return expired > 0 ? $"{text} · {expired} expired" : text;
    }

    [Parameter, EditorRequired] public long AccountId { get; set; }

    /// <summary>The member's role decides whether create, limit and revoke are offered; it follows the circuit's
    /// revalidated state, and each dialog re-checks at the moment of its write.</summary>
    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>The list as the prerender loaded it, so the interactive render shows it without querying again. Only a
    /// short list is kept: the state travels in the circuit's first message, which must stay under 32 KB.</summary>
    [PersistentState] public KeysState? Loaded { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        _canManage = user is not null && AccountPermissions.Allows(user, AccountId, CustomerAction.ManageKeys);
        if (_shownAccountId == AccountId)
            return;
        _shownAccountId = AccountId;
        if (Loaded is { } restored && restored.AccountId == AccountId)
            _keys = [.. restored.Keys];
        else
            await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _error = null;
        try
        {
            // Keys in use first, newest first within each group; revoked ones stay listed for their history.
            var keys = (await ApiKeys.ListAsync(AccountId, _cts.Token))
                .OrderBy(k => k.RevokedAt is null ? 0 : 1).ThenByDescending(k => k.Id).ToList();
            _keys = keys;
            Loaded = keys.Count <= PersistedKeys ? new KeysState(AccountId, [.. keys]) : null;
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Loading the API keys of account {AccountId} failed.", AccountId);
            _keys = null;
            _error = "We couldn't load your API keys just now. Your keys are unaffected; please try again.";
        }
    }

    private void ToggleUsage(long keyId) => _expanded = _expanded == keyId ? null : keyId;

    private async Task OpenCreateAsync()
    {
        var parameters = new DialogParameters<CreateKeyDialog>
        {
            { d => d.AccountId, AccountId },
            { d => d.OnCreated, EventCallback.Factory.Create<ApiKeyView>(this, _ => LoadAsync()) },
        };
        // Escape closes it like any dialog (the list already shows the new key); a stray click outside does not.
        await Dialogs.ShowAsync<CreateKeyDialog>("Create an API key", parameters, Options);
    }

    private async Task OpenRevokeAsync(ApiKeyView key)
    {
        var parameters = new DialogParameters<RevokeKeyDialog>
        {
            { d => d.AccountId, AccountId },
            { d => d.Key, key },
            { d => d.OnRevoked, EventCallback.Factory.Create<long>(this, () => OnChangedAsync($"“{key.Name}” is revoked. New calls with it are refused.")) },
        };
        await Dialogs.ShowAsync<RevokeKeyDialog>("Revoke this key?", parameters, Options with { MaxWidth = MaxWidth.ExtraSmall });
    }

    private async Task OpenLimitAsync(ApiKeyView key)
    {
        var parameters = new DialogParameters<KeyLimitDialog>
        {
            { d => d.AccountId, AccountId },
            { d => d.Key, key },
            {
                d => d.OnSaved, EventCallback.Factory.Create<ApiKeyView>(this, saved => OnChangedAsync(saved.MonthlySpendLimit is { } limit
                    ? $"“{saved.Name}” may now spend up to {limit.Format()} a month."
                    : $"“{saved.Name}” has no monthly limit any more."))
            },
        };
        await Dialogs.ShowAsync<KeyLimitDialog>("Monthly spend limit", parameters, Options);
    }

    private async Task OnChangedAsync(string message)
    {
        await LoadAsync();
        Snackbar.Add(message, Severity.Success);
    }

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }

    public sealed record KeysState(long AccountId, ApiKeyView[] Keys);
}
