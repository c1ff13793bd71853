using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Statements;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace BillingConsole.Web.Components.Invoices;

/// <summary>
/// The account's monthly statements: the months that have ledger entries (newest first) and the chosen month's
/// statement from <see cref="StatementQueries"/>, with its tie-out check, a print button and the CSV download.
/// </summary>
public partial class InvoiceBrowser : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private List<BillingMonth>? _months;
    private BillingMonth? _selected;
    private StatementFigures? _figures;
    private string? _accountName;
    private string? _monthsError;
    private string? _statementError;
    private bool _loadingStatement;
    private long? _shownAccountId;
    private string? _shownMonth;
    private int _version;

    [Inject] private StatementQueries Statements { get; set; } = default!;
    [Inject] private LedgerQueries Ledger { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private ILogger<InvoiceBrowser> Logger { get; set; } = default!;

    [Parameter, EditorRequired] public long AccountId { get; set; }


    /// <summary>True in the admin console: the downloads are the signed-in customer's APIs, so staff viewing another
    /// account get no download links (they would export the staff member's own account).</summary>
    [CascadingParameter(Name = "StaffView")] public bool StaffView { get; set; }

    /// <summary>The month to open (<c>YYYY-MM</c>, from the query string); the newest month when absent or invalid.</summary>
    [Parameter] public string? Month { get; set; }

    /// <summary>What the prerender loaded, so the interactive render shows it without querying again.</summary>
    [PersistentState] public InvoicesState? Loaded { get; set; }

    private BillingMonth CurrentMonth => BillingMonth.Of(Clock.GetUtcNow().UtcDateTime);

    private string? SelectedText => _selected?.ToString();

    /// <summary>"March 2026", or "March 2026 (in progress)" for the current month.</summary>
    private string MonthText(string? value) =>
        BillingMonth.TryParse(value, out var month)
            ? StatementFigures.MonthName(month) + (month == CurrentMonth ? " (in progress)" : "")
            : value ?? "";

    protected override async Task OnParametersSetAsync()
    {
        if (_shownAccountId == AccountId && _shownMonth == Month)
            return;
        _shownAccountId = AccountId;
        _shownMonth = Month;
        if (Loaded is { } restored && restored.AccountId == AccountId && restored.RequestedMonth == Month && Restore(restored))
            return;
        await LoadMonthsAsync();
    }

    private bool Restore(InvoicesState state)
    {
        var months = new List<BillingMonth>();
        foreach (var text in state.Months)
        {
            if (!BillingMonth.TryParse(text, out var m))
                return false;
            months.Add(m);
        }
        _months = months;
        _accountName = state.AccountName;
        _selected = BillingMonth.TryParse(state.Selected, out var selected) ? selected : null;
        _figures = state.Statement?.ToStatement(AccountId) is { } statement ? new StatementFigures(statement) : null;
        return _selected is null || _figures is not null;
    }

    private async Task LoadMonthsAsync()
    {
        _monthsError = null;
        _months = null;
        _figures = null;
        Loaded = null;
        try
        {
            var months = (await Statements.GetStatementMonthsAsync(AccountId, _cts.Token)).ToList();
            var current = CurrentMonth;
            BillingMonth? wanted = BillingMonth.TryParse(Month, out var asked) && asked <= current ? asked : null;
            if (wanted is { } w && !months.Contains(w))
            {
                // A month without entries still has a statement (opening = closing); keep the list in order.
                months.Add(w);
                months.Sort((a, b) => b.CompareTo(a));
            }
            _months = months;
            _selected = wanted ?? (months.Count > 0 ? months[0] : null);
            await LoadAccountNameAsync();
            if (_selected is { } month)
                await LoadStatementAsync(month);
            else
                Persist();
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Loading the statement months of account {AccountId} failed.", AccountId);
            _monthsError = "We couldn't load your statements just now. Your account is unaffected; please try again.";
        }
    }

    private async Task LoadAccountNameAsync()
    {
        try
        {
            _accountName = (await Ledger.GetBalanceAsync(AccountId, _cts.Token))?.AccountName;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The name only decorates the printed statement.
            Logger.LogWarning(e, "Could not load the name of account {AccountId} for its statement.", AccountId);
        }
    }

    private async Task OnMonthChanged(string? text)
    {
        if (!BillingMonth.TryParse(text, out var month) || month == _selected)
            return;
        _selected = month;
        await LoadStatementAsync(month);
    }

    private Task RetryStatementAsync() => _selected is { } month ? LoadStatementAsync(month) : LoadMonthsAsync();

    private async Task LoadStatementAsync(BillingMonth month)
    {
        var version = ++_version;
        _loadingStatement = true;
        _statementError = null;
        try
        {
            var statement = await Statements.GetStatementAsync(AccountId, month, _cts.Token);
            if (version != _version)
                return;
            _figures = new StatementFigures(statement);
            Persist();
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (StatementMismatchException e)
        {
            if (version != _version)
                return;
            Logger.LogError(e, "The {Month} statement of account {AccountId} does not tie out.", month, AccountId);
            _figures = null;
            _statementError = $"We can't issue the {StatementFigures.MonthName(month)} statement: the ledger's movements in that month " +
                              "don't add up to the change in your balance. Please contact support and mention the month.";
        }
        catch (Exception e)
        {
            if (version != _version)
                return;
            Logger.LogError(e, "Loading the {Month} statement of account {AccountId} failed.", month, AccountId);
            _figures = null;
            _statementError = $"We couldn't load the {StatementFigures.MonthName(month)} statement just now. Please try again.";
        }
        finally
        {
            if (version == _version)
                _loadingStatement = false;
        }
    }

    private void Persist() => Loaded = new InvoicesState(AccountId, Month, [.. _months!.Select(m => m.ToString())], _selected?.ToString(),
        _accountName, _figures is null ? null : StatementState.From(_figures.Statement));

    private async Task PrintAsync()
    {
        try
        {
            await JS.InvokeVoidAsync("print");
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or TaskCanceledException)
        {
            // Nothing to report: the browser's own print command (Ctrl+P) prints the same page.
        }
    }

    private string CsvUrl => $"/billing/invoice?month={_selected}&format=csv";

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }

    /// <summary>The persisted page: months as <c>YYYY-MM</c> (a <see cref="BillingMonth"/> does not serialize).</summary>
    public sealed record InvoicesState(long AccountId, string? RequestedMonth, string[] Months, string? Selected, string? AccountName,
        StatementState? Statement);

    /// <summary>The persisted statement: its balances and lines (the headline figures are derived from the lines).</summary>
    public sealed record StatementState(string Month, Money OpeningBalance, Money ClosingBalance, StatementLine[] Lines)
    {
        public static StatementState From(Statement s) => new(s.Month.ToString(), s.OpeningBalance, s.ClosingBalance, [.. s.Lines]);

        public Statement? ToStatement(long accountId) => BillingMonth.TryParse(Month, out var month)
            ? new Statement(accountId, month, OpeningBalance, ClosingBalance, Lines)
            : null;
    }
}
