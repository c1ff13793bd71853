using BillingConsole.Accounting.Ledger;
using Microsoft.AspNetCore.Components;

namespace BillingConsole.Web.Components.Billing;

/// <summary>The account's ledger entries, newest first, 50 at a time: "Load more" fetches the next page with the keyset
/// cursor <c>before</c> = the id of the last row shown, so rows posted meanwhile never shift or repeat a page.</summary>
public partial class TransactionsTable : IDisposable
{
    public const int PageSize = 50;

    private const string LoadFailed = "We couldn't load your transactions just now. Your balance and history are safe; please try again.";

    private readonly CancellationTokenSource _cts = new();
    private List<TransactionRow>? _rows;
    private bool _hasMore;
    private bool _loadingMore;
    private string? _error;
    private string? _loadMoreError;
    private long? _shownAccountId;

    [Inject] private LedgerQueries Ledger { get; set; } = default!;
    [Inject] private ILogger<TransactionsTable> Logger { get; set; } = default!;

    [Parameter, EditorRequired] public long AccountId { get; set; }

    /// <summary>The first page as the prerender loaded it, so the interactive render starts from it without a second
    /// query or a flash of the loading skeleton.</summary>
    [PersistentState] public FirstPageState? FirstPage { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        if (_shownAccountId == AccountId)
            return;
        _shownAccountId = AccountId;
        if (FirstPage is { } restored && restored.AccountId == AccountId)
            Show(restored.Rows);
        else
            await LoadFirstPageAsync();
    }

    private Task RetryAsync() => LoadFirstPageAsync();

    private async Task LoadFirstPageAsync()
    {
        _rows = null;
        _error = null;
        _loadMoreError = null;
        FirstPage = null;
        try
        {
            var page = await Ledger.GetTransactionsAsync(AccountId, PageSize, ct: _cts.Token);
            FirstPage = new FirstPageState(AccountId, [.. page]);
            Show(page);
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Loading the transactions of account {AccountId} failed.", AccountId);
            _error = LoadFailed;
        }
    }

    private void Show(IReadOnlyList<TransactionRow> firstPage)
    {
        _rows = [.. firstPage];
        _hasMore = firstPage.Count == PageSize;
    }

    private async Task LoadMoreAsync()
    {
        if (_loadingMore || _rows is not { Count: > 0 } rows)
            return;
        _loadingMore = true;
        _loadMoreError = null;
        try
        {
            var page = await Ledger.GetTransactionsAsync(AccountId, PageSize, before: rows[^1].Id, ct: _cts.Token);
            rows.AddRange(page);
            _hasMore = page.Count == PageSize;
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
}
