using System.Globalization;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace BillingConsole.Web.Components.Billing;

/// <summary>
/// The account's ledger entries, newest first, 50 at a time: "Load more" fetches the next page with the keyset cursor
/// <c>before</c> = the id of the last row shown, so rows posted meanwhile never shift or repeat a page. Filters (entry
/// types, an inclusive range of UTC dates) reload from the first page; "Export CSV" links to
/// <c>GET /billing/transactions?format=csv</c> with the same filters, which writes every matching row, not only the
/// pages loaded here. "Jump to date" starts the list at the last entry on or before the end of that UTC day (the keyset
/// cursor <see cref="LedgerQueries.GetCursorAtAsync"/> finds with one index seek); "Load more" continues backwards from there.
/// </summary>
public partial class TransactionsTable : IDisposable
{
    public const int PageSize = 50;

    private const string LoadFailed = "We couldn't load your transactions just now. Your balance and history are safe; please try again.";

    private readonly CancellationTokenSource _cts = new();
    private List<TransactionRow>? _rows;
    private bool _hasMore;
    private bool _loadingMore;
    private bool _reloading;
    private string? _error;
    private string? _loadMoreError;
    private string? _rangeError;
    private long? _shownAccountId;
    private int _version;
    private IReadOnlyCollection<string> _types = [];
    private DateTime? _from;
    private DateTime? _to;
    private TransactionFilter _shownFilter = TransactionFilter.None;
    private DateTime? _jump;
    private DateTime? _shownJump;

    [Inject] private LedgerQueries Ledger { get; set; } = default!;
    [Inject] private ILogger<TransactionsTable> Logger { get; set; } = default!;

    [Parameter, EditorRequired] public long AccountId { get; set; }


    /// <summary>True in the admin console: the downloads are the signed-in customer's APIs, so staff viewing another
    /// account get no download links (they would export the staff member's own account).</summary>
    [CascadingParameter(Name = "StaffView")] public bool StaffView { get; set; }

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>Whether reservation ids link to the audit trail: only for those who may read it (developers and owners
    /// of this account); a viewer, and staff looking at another account, get the id as text.</summary>
    private bool _linkReservations;

    /// <summary>The unfiltered first page as the prerender loaded it, so the interactive render starts from it without a
    /// second query or a flash of the loading skeleton.</summary>
    [PersistentState] public FirstPageState? FirstPage { get; set; }

    /// <summary>The filters, jump date and pages loaded, kept when the circuit is paused or evicted so that resuming it
    /// (on any instance) shows the same list; null while they are the defaults. Not taken from a prerender, which has none.</summary>
    [PersistentState(RestoreBehavior = RestoreBehavior.SkipInitialValue)] public TransactionsView? View { get; set; }

    /// <summary>A resumed view loads at most this many pages at once.</summary>
    public const int MaxRestoredPages = 20;

    /// <summary>The filters as chosen (types in the order of <see cref="EntryTypes.All"/>).</summary>
    private TransactionFilter Filter => new(
        EntryTypes.All.Select(t => t.Name).Where(_types.Contains).ToList(),
        _from is { } f ? DateOnly.FromDateTime(f) : null,
        _to is { } t ? DateOnly.FromDateTime(t) : null);

    /// <summary>The CSV download of every row matching the filters (the browser's cookie session authenticates it).</summary>
    private string ExportUrl => ExportUrlFor(Filter);

    public static string ExportUrlFor(TransactionFilter filter)
    {
        var query = new List<string> { "format=csv" };
        if (filter.Types is { Count: > 0 } types)
            query.Add("type=" + Uri.EscapeDataString(string.Join(',', types)));
        if (filter.From is { } from)
            query.Add("from=" + from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (filter.To is { } to)
            query.Add("to=" + to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return "/billing/transactions?" + string.Join('&', query);
    }

    protected override async Task OnParametersSetAsync()
    {
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        _linkReservations = user is not null && user.GetAccountId() == AccountId && AccountPermissions.Allows(user, CustomerAction.ReadRequests);
        if (_shownAccountId == AccountId)
            return;
        _shownAccountId = AccountId;
        if (View is { } view && view.AccountId == AccountId)
        {
            _types = view.Types.Where(t => EntryTypes.All.Any(e => e.Name == t)).ToHashSet();
            _from = view.From?.ToDateTime(TimeOnly.MinValue);
            _to = view.To?.ToDateTime(TimeOnly.MinValue);
            _jump = view.Jump?.ToDateTime(TimeOnly.MinValue);
            await LoadFirstPageAsync(Math.Clamp(view.Pages, 1, MaxRestoredPages));
        }
        else if (FirstPage is { } restored && restored.AccountId == AccountId && Filter.IsEmpty && _jump is null)
        {
            _shownFilter = TransactionFilter.None;
            Show(restored.Rows, PageSize);
        }
        else
            await LoadFirstPageAsync();
    }

    private Task RetryAsync() => LoadFirstPageAsync();

    /// <summary>Records what a resumed circuit needs to show this list again (see <see cref="View"/>).</summary>
    private void RememberView(int pages)
    {
        var filter = _shownFilter;
        DateOnly? jump = _shownJump is { } j ? DateOnly.FromDateTime(j) : null;
        View = filter.IsEmpty && jump is null && pages <= 1
            ? null
            : new TransactionsView(AccountId, [.. filter.Types ?? []], filter.From, filter.To, jump, pages);
    }

    /// <summary>The select's text for the chosen types: their labels, or a count when there are more than two.</summary>
    private static string TypesText(IReadOnlyList<string> names) =>
        names.Count switch
        {
            0 => "",
            <= 2 => string.Join(", ", names.Select(BillingFormat.TypeLabel)),
            _ => $"{names.Count} types",
        };

    private async Task OnTypesChangedAsync(IReadOnlyCollection<string>? types)
    {
        _types = types ?? [];
        await LoadFirstPageAsync();
    }

    private Task ClearTypesAsync() => OnTypesChangedAsync([]);

    private async Task OnFromChangedAsync(DateTime? from)
    {
        _from = from?.Date;
        await LoadFirstPageAsync();
    }

    private async Task OnToChangedAsync(DateTime? to)
    {
        _to = to?.Date;
        await LoadFirstPageAsync();
    }

    private async Task OnJumpChangedAsync(DateTime? day)
    {
        _jump = day?.Date;
        await LoadFirstPageAsync();
    }

    private async Task ClearFiltersAsync()
    {
        _jump = null;
        _types = [];
        _from = null;
        _to = null;
        await LoadFirstPageAsync();
    }

    /// <summary>Loads the first page of the current filters. A newer load supersedes an older one still running, so
    /// quick filter changes never show the rows of an earlier choice.</summary>
    private async Task LoadFirstPageAsync(int pages = 1)
    {
        var version = ++_version;
        var filter = Filter;
        var jump = _jump;
        _rangeError = filter is { From: { } f, To: { } t } && t < f ? "The start date is after the end date." : null;
        if (_rangeError is not null)
            return;
        _error = null;
        _loadMoreError = null;
        _reloading = _rows is not null;
        if (_rows is null || filter.IsEmpty != _shownFilter.IsEmpty)
            _rows = null;
        try
        {
            // The end of the chosen UTC day, inclusive: the list starts at the last entry of that day or before; with no
            // entry that early, a cursor below every id shows none.
            long? before = jump is { } day
                ? await Ledger.GetCursorAtAsync(AccountId, DateTime.SpecifyKind(day.AddDays(1).AddTicks(-1), DateTimeKind.Utc), _cts.Token) ?? 1
                : null;
            var page = await Ledger.GetTransactionsAsync(AccountId, filter, PageSize * pages, before, _cts.Token);
            if (version != _version)
                return;
            FirstPage = filter.IsEmpty && jump is null ? new FirstPageState(AccountId, [.. page]) : FirstPage;
            _shownFilter = filter;
            _shownJump = jump;
            Show(page, PageSize * pages);
            RememberView(pages);
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            if (version != _version)
                return;
            Logger.LogError(e, "Loading the transactions of account {AccountId} failed.", AccountId);
            _rows = null;
            _error = LoadFailed;
        }
        finally
        {
            if (version == _version)
                _reloading = false;
        }
    }

    private void Show(IReadOnlyList<TransactionRow> firstPages, int limit)
    {
        _rows = [.. firstPages];
        _hasMore = firstPages.Count == limit;
    }

    private async Task LoadMoreAsync()
    {
        if (_loadingMore || _rows is not { Count: > 0 } rows)
            return;
        var version = _version;
        _loadingMore = true;
        _loadMoreError = null;
        try
        {
            var page = await Ledger.GetTransactionsAsync(AccountId, _shownFilter, PageSize, before: rows[^1].Id, ct: _cts.Token);
            if (version != _version)
                return;
            rows.AddRange(page);
            _hasMore = page.Count == PageSize;
            RememberView((rows.Count + PageSize - 1) / PageSize);
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Loading more transactions of account {AccountId} failed.", AccountId);
            _loadMoreError = "We couldn't load more transactions just now. Please try again.";
        }
        finally
        {
            _loadingMore = false;
        }
    }

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }

    public sealed record FirstPageState(long AccountId, TransactionRow[] Rows);

    /// <summary>What <see cref="View"/> keeps: small, and nothing secret.</summary>
    public sealed record TransactionsView(long AccountId, string[] Types, DateOnly? From, DateOnly? To, DateOnly? Jump, int Pages);
}
