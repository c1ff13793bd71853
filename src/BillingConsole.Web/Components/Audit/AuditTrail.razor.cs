using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Metering;
using BillingConsole.Accounting.Usage;
using Microsoft.AspNetCore.Components;

namespace BillingConsole.Web.Components.Audit;

/// <summary>
/// The account's request records, newest first, 50 at a time, narrowed by model, API key, status, a range of UTC
/// dates and a tag (typed, or picked by clicking a row's tag), or a single call by reservation id. "Load more" fetches
/// the next page with the keyset cursor <c>before</c> = the id of the last row shown, so there is no page limit and
/// calls settled meanwhile never shift a page.
/// A filter change reloads from the top; an answer to an older filter that arrives late is dropped. Nothing is kept
/// from the prerender: a page of records is too large for the circuit's first message (32 KB), so the interactive
/// render reads the page again.
/// </summary>
public partial class AuditTrail : IDisposable
{
    public const int PageSize = 50;

    /// <summary>The value of the "all" item of each filter select.</summary>
    private const string All = "";

    private const string LoadFailed = "We couldn't load your audit trail just now. Nothing is lost; please try again.";

    private readonly CancellationTokenSource _disposed = new();
    private CancellationTokenSource _load = new();
    private List<RequestRow>? _rows;
    private IReadOnlyList<ApiKeyView> _keys = [];
    private Dictionary<long, ApiKeyView> _keysById = [];
    private IReadOnlyList<CatalogModel> _models = [];
    private AuditQuery _applied = new();
    private AuditQuery? _shownQuery;
    private long? _shownAccountId;
    private bool _hasMore;
    private bool _loading;
    private bool _loadingMore;
    private string? _error;
    private string? _loadMoreError;
    private string? _filterError;
    private int _version;

    [Inject] private UsageQueries Usage { get; set; } = default!;
    [Inject] private ApiKeyService ApiKeys { get; set; } = default!;
    [Inject] private PriceCatalog Catalog { get; set; } = default!;
    [Inject] private ILogger<AuditTrail> Logger { get; set; } = default!;

    [Parameter, EditorRequired] public long AccountId { get; set; }


    /// <summary>True in the admin console: the downloads are the signed-in customer's APIs, so staff viewing another
    /// account get no download links (they would export the staff member's own account).</summary>
    [CascadingParameter(Name = "StaffView")] public bool StaffView { get; set; }

    /// <summary>The filters to start from (the page's query string). A new value replaces the filters chosen on the page.</summary>
    [Parameter] public AuditQuery Query { get; set; } = new();

    private bool SingleCall => _applied.Reservation is not null;

    protected override async Task OnParametersSetAsync()
    {
        if (_shownAccountId == AccountId && _shownQuery == Query)
            return;
        var accountChanged = _shownAccountId != AccountId;
        _shownAccountId = AccountId;
        _shownQuery = Query;
        _applied = Query;
        _models = [.. Catalog.Models.Select(m => m.Model)
            .OrderBy(m => m.Provider, StringComparer.OrdinalIgnoreCase)
            .ThenBy(m => m.DisplayName, StringComparer.OrdinalIgnoreCase)];
        if (accountChanged)
            await Task.WhenAll(LoadKeysAsync(), LoadFirstPageAsync());
        else
            await LoadFirstPageAsync();
    }

    private async Task LoadKeysAsync()
    {
        try
        {
            SetKeys(await ApiKeys.ListAsync(AccountId, _disposed.Token));
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The key list only feeds the key filter and the prefix hint: rows carry their key's name themselves.
            Logger.LogWarning(e, "Loading the API keys of account {AccountId} for the audit trail failed.", AccountId);
        }
    }

    private void SetKeys(IReadOnlyList<ApiKeyView> keys)
    {
        _keys = keys;
        _keysById = keys.ToDictionary(k => k.Id);
    }

    private Task RetryAsync() => LoadFirstPageAsync();

    private Task ApplyAsync(AuditQuery query)
    {
        _applied = query;
        return LoadFirstPageAsync();
    }

    private Task OnModelChanged(string? slug) => ApplyAsync(_applied with { Model = string.IsNullOrEmpty(slug) ? null : slug });

    private Task OnKeyChanged(string? key) =>
        ApplyAsync(_applied with { KeyId = long.TryParse(key, out var id) ? id : null });

    private Task OnStatusChanged(string? status) => ApplyAsync(_applied with { Status = string.IsNullOrEmpty(status) ? null : status });

    private Task OnFromChanged(string? text) => ApplyAsync(_applied with { From = AuditQuery.Date(text) });

    private Task OnToChanged(string? text) => ApplyAsync(_applied with { To = AuditQuery.Date(text) });

    private Task OnTagChanged(string? text) => ApplyAsync(_applied with { Tag = AuditQuery.TagText(text) });

    /// <summary>A row's tag was clicked: show the calls carrying it.</summary>
    private Task FilterByTagAsync(string tag) => _applied.Tag == tag ? Task.CompletedTask : ApplyAsync(_applied with { Tag = tag });

    private Task ClearFiltersAsync() => ApplyAsync(new AuditQuery());

    private async Task LoadFirstPageAsync()
    {
        var version = ++_version;
        await _load.CancelAsync();
        _load.Dispose();
        _load = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
        var ct = _load.Token;
        _error = null;
        _loadMoreError = null;
        _filterError = null;

        if (FilterError() is { } problem)
        {
            _filterError = problem;
            _rows = [];
            _hasMore = false;
            _loading = false;
            return;
        }

        _loading = true;
        try
        {
            var filter = Filter();
            var page = await Usage.GetRequestsAsync(AccountId, filter, PageSize, ct: ct);
            if (version != _version)
                return;
            Show(page);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            if (version != _version)
                return;
            Logger.LogError(e, "Loading the audit trail of account {AccountId} failed.", AccountId);
            _error = LoadFailed;
        }
        finally
        {
            if (version == _version)
                _loading = false;
        }
    }

    /// <summary>The chosen filters as the query takes them (only called once <see cref="FilterError"/> found none).</summary>
    private RequestFilter Filter()
    {
        var modelId = _applied.Model is { } slug ? Catalog.FindBySlug(slug)?.Model.Id : null;
        return new RequestFilter(_applied.From, _applied.To, modelId, _applied.KeyId, _applied.Status, _applied.Reservation, _applied.Tag);
    }

    /// <summary>What is wrong with the chosen filters, in words, or null.</summary>
    private string? FilterError()
    {
        if (_applied.From is { } from && _applied.To is { } to && to < from)
            return "The start date is after the end date. Pick an end date on or after the start date.";
        if (_applied.Model is { } slug && Catalog.FindBySlug(slug) is null)
            return $"There is no model called “{slug}” in the price catalog. Pick a model from the list.";
        if (_applied.Tag is { } tag && !TagRule.IsValid(tag))
            return $"“{tag}” is not a tag: a tag is {TagRule.Text}, with no spaces or commas.";
        return null;
    }

    private void Show(IReadOnlyList<RequestRow> firstPage)
    {
        _rows = [.. firstPage];
        _hasMore = firstPage.Count == PageSize;
    }

    private async Task LoadMoreAsync()
    {
        if (_loadingMore || _loading || _rows is not { Count: > 0 } rows)
            return;
        var version = _version;
        var ct = _load.Token;
        _loadingMore = true;
        _loadMoreError = null;
        try
        {
            var filter = Filter();
            var page = await Usage.GetRequestsAsync(AccountId, filter, PageSize, before: rows[^1].Id, ct: ct);
            if (version != _version)
                return;
            rows.AddRange(page);
            _hasMore = page.Count == PageSize;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            if (version != _version)
                return;
            Logger.LogError(e, "Loading more of the audit trail of account {AccountId} failed.", AccountId);
            _loadMoreError = "We couldn't load more calls just now. Please try again.";
        }
        finally
        {
            _loadingMore = false;
        }
    }

    /// <summary>The row's key by the name the query joined in (a revoked key keeps it); an em dash for a call without a key.</summary>
    private static string KeyName(RequestRow row) =>
        row.ApiKeyId is not { } id ? "—" : row.KeyName ?? $"Key #{id}";

    private string? KeyTitle(long? keyId) =>
        keyId is { } id && _keysById.TryGetValue(id, out var key)
            ? $"{key.Prefix}…{(key.RevokedAt is null ? "" : " (revoked)")}"
            : null;

    /// <summary>"GPT-4o · openai", the text of a model in the filter.</summary>
    private string ModelText(string? slug) =>
        string.IsNullOrEmpty(slug) ? "All models"
        : Catalog.FindBySlug(slug)?.Model is { } m ? $"{m.DisplayName} · {m.Provider}"
        : slug;

    /// <summary>"Production backend · bc_live_abcd…", the text of a key in the filter.</summary>
    private string KeyText(string? value) =>
        string.IsNullOrEmpty(value) ? "All keys"
        : long.TryParse(value, out var id) && _keysById.TryGetValue(id, out var key)
            ? $"{key.Name} · {key.Prefix}…{(key.RevokedAt is null ? "" : " (revoked)")}"
        : long.TryParse(value, out var other) ? $"Key #{other}"
        : value;

    public void Dispose()
    {
        _disposed.Cancel();
        _load.Cancel();
        _load.Dispose();
        _disposed.Dispose();
        GC.SuppressFinalize(this);
    }
}
