using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Components.Billing;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using MudBlazor.Charts;

namespace BillingConsole.Web.Components.Usage;

/// <summary>Cost split by a dimension (model, provider) as bars or a donut. The largest slices are shown and the rest
/// added up as "Other" (<see cref="UsageCharts.Top"/>). Amounts shown as text come from the exact <see cref="Money"/>
/// values; the donut lists every slice with its amount and share next to the chart.</summary>
public partial class CostBreakdownChart
{
    private List<ChartSeries<double>> _series = [];
    private string[] _labels = [];
    private IChartOptions _options = new ChartOptions();
    private Dictionary<string, CostSlice> _byLabel = [];

    [Parameter, EditorRequired] public string Title { get; set; } = "";

    [Parameter] public string? Caption { get; set; }

    [Parameter, EditorRequired] public string TestId { get; set; } = "";

    /// <summary><see cref="ChartType.Bar"/> or <see cref="ChartType.Donut"/>.</summary>
    [Parameter] public ChartType ChartType { get; set; } = ChartType.Bar;

    /// <summary>The slices to draw, largest first (see <see cref="UsageCharts.Top"/>).</summary>
    [Parameter, EditorRequired] public IReadOnlyList<CostSlice> Slices { get; set; } = [];

    private Money Total => Slices.Aggregate(Money.Zero, (sum, s) => sum + s.Cost);

    private string Description => ChartType == ChartType.Donut
        ? $"Donut chart of {Title.ToLowerInvariant()}; the list beside it has every amount."
        : $"Bar chart of {Title.ToLowerInvariant()}: " + string.Join("; ", Slices.Select(s => $"{s.Label} {BillingFormat.Cents(s.Cost)}")) + ".";

    protected override void OnParametersSet()
    {
        if (ChartType == ChartType.Donut)
        {
            _labels = Slices.Select(s => s.Label).ToArray();
            _series = [new ChartSeries<double> { Name = Title, Data = Slices.Select(s => (double)s.Cost.ToDecimal()).ToArray() }];
            _options = new DonutChartOptions { ShowLegend = false, ChartPalette = UsageCharts.Palette, ShowToolTips = true };
        }
        else
        {
            // Short, unique labels under the bars; the tooltip finds its slice by them.
            _byLabel = [];
            _labels = new string[Slices.Count];
            for (var i = 0; i < Slices.Count; i++)
            {
                var label = UsageCharts.ShortLabel(Slices[i].Label);
                while (_byLabel.ContainsKey(label))
                    label += "\u200B";
                _labels[i] = label;
                _byLabel[label] = Slices[i];
            }
            var axis = UsageCharts.CostAxis.For(Slices.Select(s => s.Cost));
            _series = [new ChartSeries<double> { Name = "Cost", Data = Slices.Select(s => axis.Plot(s.Cost)).ToArray() }];
            _options = new BarChartOptions
            {
                ShowLegend = false,
                ChartPalette = [UsageCharts.Palette[0]],
                YAxisTicks = axis.Step,
                YAxisToStringFunc = axis.Tick,
                YAxisLines = true,
                MaxNumYAxisTicks = 8,
                BarWidthRatio = 0.55,
            };
        }
    }

    private decimal Share(CostSlice slice) =>
        Total.Units == 0 ? 0m : Math.Round(slice.Cost.Units * 100m / Total.Units, 1, MidpointRounding.AwayFromZero);

    /// <summary>The slice a hovered bar or donut segment stands for: by label on bars, by index on the donut.</summary>
    private CostSlice? SliceOf(SvgPath path)
    {
        if (ChartType == ChartType.Donut)
            return path.Index >= 0 && path.Index < Slices.Count ? Slices[path.Index] : null;
        return path.LabelXValue is { } label && _byLabel.TryGetValue(label, out var slice) ? slice : null;
    }

    private static string Shorten(string label) => label.Length <= 22 ? label : label[..21] + "…";
}
