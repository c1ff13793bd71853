using System.Globalization;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Components.Billing;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace BillingConsole.Web.Components.Usage;

/// <summary>The cost of each UTC day of the period as a line (days without calls at zero). Hovering a point shows its
/// exact cost to the cent from the <see cref="Money"/> values; the chart's doubles only place the line.</summary>
public partial class SpendOverTimeChart
{
    private List<ChartSeries<double>> _series = [];
    private string[] _labels = [];
    private Dictionary<string, DailyCost> _byLabel = [];
    private LineChartOptions _options = new();

    /// <summary>Every day of the period, in order, each with its cost.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<DailyCost> Days { get; set; } = [];

    /// <summary>The current UTC day. When the period ends with it, its point is a day still in progress: labelled "so
    /// far", so a low last point does not read as a drop in spending.</summary>
    [Parameter] public DateOnly? Today { get; set; }

    private DailyCost? SoFar => Days.Count > 0 && Days[^1].Date == Today ? Days[^1] : null;

    private Money Total => Days.Aggregate(Money.Zero, (sum, d) => sum + d.Cost);

    private DailyCost Peak => Days.Count == 0 ? new DailyCost(default, Money.Zero) : Days.MaxBy(d => d.Cost.Units)!;

    private string Description =>
        $"Line chart of the cost per day from {BillingFormat.Date(Days[0].Date)} to {BillingFormat.Date(Days[^1].Date)}: total {BillingFormat.Cents(Total)}, " +
        $"highest {BillingFormat.Cents(Peak.Cost)} on {BillingFormat.Date(Peak.Date)}. The usage table lists every day.";

    protected override void OnParametersSet()
    {
        _labels = Days.Select(d => d.Date.ToString("MM-dd", CultureInfo.InvariantCulture)).ToArray();
        _byLabel = Days.Zip(_labels).ToDictionary(x => x.Second, x => x.First);
        var axis = UsageCharts.CostAxis.For(Days.Select(d => d.Cost));
        _series = [new ChartSeries<double> { Name = "Cost", Data = Days.Select(d => axis.Plot(d.Cost)).ToArray() }];
        _options = new LineChartOptions
        {
            ShowLegend = false,
            ChartPalette = [UsageCharts.Palette[0]],
            YAxisTicks = axis.Step,
            YAxisToStringFunc = axis.Tick,
            YAxisRequireZeroPoint = true,
            YAxisLines = true,
            XAxisLines = false,
            LineStrokeWidth = 2.5,
            MaxNumYAxisTicks = 8,
        };
    }

    private DailyCost? DayOf(string? label) => label is not null && _byLabel.TryGetValue(label, out var day) ? day : null;
}
