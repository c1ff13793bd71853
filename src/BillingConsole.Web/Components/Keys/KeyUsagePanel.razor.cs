using System.Globalization;
using BillingConsole.Accounting.Identity;
using BillingConsole.Web.Components.Audit;
using Microsoft.AspNetCore.Components;

namespace BillingConsole.Web.Components.Keys;

/// <summary>One key's settled usage over a period (calls, tokens, cost, market cost) from
/// <see cref="ApiKeyService.UsageAsync"/>; the periods are whole UTC days ending today.</summary>
public partial class KeyUsagePanel : IDisposable
{
    private static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");

    private readonly CancellationTokenSource _cts = new();
    private IReadOnlyList<UsagePeriod> _periods = [];
    private UsagePeriod _period = default!;
    private KeyUsage? _usage;
    private bool _loading;
    private string? _error;
    private int _version;

    [Inject] private ApiKeyService ApiKeys { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private ILogger<KeyUsagePanel> Logger { get; set; } = default!;

    [Parameter, EditorRequired] public long AccountId { get; set; }
    [Parameter, EditorRequired] public ApiKeyView Key { get; set; } = default!;

    private string AuditLink =>
        $"/audit?key={Key.Id}&from={_period.From:yyyy-MM-dd}&to={_period.To:yyyy-MM-dd}";

    protected override async Task OnInitializedAsync()
    {
        _periods = UsagePeriod.All(DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime));
        _period = _periods[0];
        await LoadAsync();
    }

    private async Task SelectAsync(UsagePeriod period)
    {
        if (period == _period && _usage is not null)
            return;
        _period = period;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var version = ++_version;
        _loading = true;
        _error = null;
        try
        {
            var usage = await ApiKeys.UsageAsync(AccountId, Key.Id, _period.From.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
                _period.To.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), _cts.Token);
            if (version != _version)
                return;
            if (usage is null)
                _error = "This key no longer exists in your account.";
            else
                _usage = usage;
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            if (version != _version)
                return;
            Logger.LogError(e, "Loading the usage of API key {KeyId} failed.", Key.Id);
            _error = "We couldn't load this key's usage just now.";
        }
        finally
        {
            if (version == _version)
                _loading = false;
        }
    }

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }

    /// <summary>A range of whole UTC days, both ends included.</summary>
    public sealed record UsagePeriod(string Id, string Label, DateOnly From, DateOnly To)
    {
        public static IReadOnlyList<UsagePeriod> All(DateOnly today)
        {
            var monthStart = new DateOnly(today.Year, today.Month, 1);
            return
            [
                new("this-month", "This month", monthStart, today),
                new("last-month", "Last month", monthStart.AddMonths(-1), monthStart.AddDays(-1)),
                new("7-days", "Last 7 days", today.AddDays(-6), today),
                new("30-days", "Last 30 days", today.AddDays(-29), today),
                new("90-days", "Last 90 days", today.AddDays(-89), today),
            ];
        }
    }
}
