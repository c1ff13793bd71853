using BillingConsole.Accounting.Identity;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace BillingConsole.Web.Components.Keys;

/// <summary>
/// Creates a key: a name, an optional monthly limit, its scopes (inference and billing:read unless the user picks
/// otherwise) and an optional expiry date, then the secret, shown once with a copy button. The secret lives only in this
/// dialog's memory: closing it forgets it, and the key list shows the prefix alone.
/// </summary>
public partial class CreateKeyDialog
{
    private string? _name;
    private string? _limit;
    private string? _nameError;
    private string? _limitError;
    private string? _scopesError;
    private string? _expiryError;
    private DateTime? _expires;
    private readonly HashSet<string> _scopes = [.. ApiKeyScopes.Default];
    private string? _error;
    private bool _busy;
    private bool _copied;
    private bool _copyFailed;
    private CreatedApiKey? _created;
    private MudButton? _copyButton;
    private bool _focusCopy;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;

    [Inject] private ApiKeyService ApiKeys { get; set; } = default!;
    [Inject] private BillingConsole.Web.Auth.AccountGate Gate { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private ILogger<CreateKeyDialog> Logger { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    /// <summary>The scopes a signed-in user may pick (all of them until account roles exist), with what each allows.</summary>
    private static readonly (string Scope, string TestId, string Label, string Help)[] ScopeChoices =
    [
        (ApiKeyScopes.Inference, "inference", "Call models (inference)", "Your gateway accepts the key for model calls."),
        (ApiKeyScopes.BillingRead, "billing-read", "Read billing (billing:read)", "Balance, transactions, usage, requests and invoices."),
        (ApiKeyScopes.KeysWrite, "keys-write", "Manage keys (keys:write)", "Create, limit and revoke this account's keys. Give it only to automation that needs it."),
    ];

    private DateTime Tomorrow => Clock.GetUtcNow().UtcDateTime.Date.AddDays(1);

    private void ToggleScope(string scope, bool on)
    {
        if (on)
            _scopes.Add(scope);
        else
            _scopes.Remove(scope);
        _scopesError = null;
    }

    [Parameter, EditorRequired] public long AccountId { get; set; }

    /// <summary>Called once the key exists (before the secret is dismissed), so the list can show it.</summary>
    [Parameter] public EventCallback<ApiKeyView> OnCreated { get; set; }

    private async Task CreateAsync()
    {
        if (_busy || _created is not null)
            return;
        _error = null;
        var name = _name?.Trim() ?? "";
        _nameError = name.Length == 0 ? "Give the key a name, for example “Production backend”."
            : name.Length > ApiKeyService.MaxNameLength ? $"Use at most {ApiKeyService.MaxNameLength} characters."
            : name.Any(char.IsControl) ? "Use letters, digits, spaces and punctuation only."
            : null;
        _limitError = SpendLimitInput.TryParse(_limit, out var limit, out var limitError) ? null : limitError;
        _scopesError = _scopes.Count == 0 ? "Pick at least one thing the key may do." : null;
        _expiryError = _expires is { } day && day.Date < Tomorrow ? "Pick a date after today, or leave it empty." : null;
        if (_nameError is not null || _limitError is not null || _scopesError is not null || _expiryError is not null)
            return;
        // The key stops at the start of the chosen day, UTC (the list shows times in UTC).
        DateTime? expiresAt = _expires is { } date ? DateTime.SpecifyKind(date.Date, DateTimeKind.Utc) : null;

        _busy = true;
        try
        {
            // The role is re-read now: the page may have been opened under a role the member no longer has.
            if (await Gate.RefusalAsync(AccountId, BillingConsole.Web.Auth.CustomerAction.ManageKeys) is { } refused)
            {
                _error = refused;
                return;
            }
            var result = await ApiKeys.CreateAsync(AccountId, name, limit, [.. _scopes], expiresAt);
            if (result.Value is not { } created)
            {
                _error = result.Failure!.Message;
                return;
            }
            _created = created;
            _focusCopy = true;
            // The dialog's title lives in its container, which re-renders only when asked.
            Dialog.StateHasChanged();
            await OnCreated.InvokeAsync(created.Key);
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Creating an API key for account {AccountId} failed.", AccountId);
            _error = "We couldn't create the key just now. Nothing was created; please try again.";
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>Once the secret shows, focus moves to its copy button: the form that had focus is gone, and the next
    /// step is to copy (Escape and Tab then work from inside the dialog).</summary>
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!_focusCopy || _copyButton is null)
            return;
        _focusCopy = false;
        try
        {
            await _copyButton.FocusAsync();
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or TaskCanceledException)
        {
            // Focus is a convenience; the dialog works without it.
        }
    }

    private async Task CopyAsync()
    {
        if (_created is null)
            return;
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", _created.Secret);
            _copied = true;
            _copyFailed = false;
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or TaskCanceledException or InvalidOperationException)
        {
            _copied = false;
            _copyFailed = true;
        }
    }

    private void Cancel() => Dialog.Cancel();

    private void Done()
    {
        _created = null;
        Dialog.Close(DialogResult.Ok(true));
    }
}
