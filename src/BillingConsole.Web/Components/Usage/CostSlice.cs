using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Web.Components.Usage;

/// <summary>One bar or slice of a cost chart: its label and its exact cost.</summary>
public sealed record CostSlice(string Label, Money Cost);

/// <summary>One day of the spend-over-time chart.</summary>
public sealed record DailyCost(DateOnly Date, Money Cost);

/// <summary>Colours and axis text shared by the usage charts. Chart geometry is drawn from doubles; every money value
/// shown as text (tooltips, legends, captions) comes from the exact <see cref="Money"/> values.</summary>
public static class UsageCharts
{
    /// <summary>Distinct, theme-friendly colours that read on light and dark surfaces.</summary>
    public static readonly string[] Palette =
        ["#2563eb", "#0d9488", "#ea580c", "#7c3aed", "#db2777", "#ca8a04", "#0891b2", "#65a30d", "#64748b"];

    /// <summary>Most slices a breakdown shows; the rest are added up as "Other".</summary>
    public const int MaxSlices = 8;

    /// <summary>The largest <see cref="MaxSlices"/> − 1 by cost and the rest as "Other" (all of them when they fit).</summary>
    public static IReadOnlyList<CostSlice> Top(IEnumerable<CostSlice> slices)
    {
        var ordered = slices.Where(s => s.Cost.Units != 0).OrderByDescending(s => s.Cost.Units).ThenBy(s => s.Label, StringComparer.Ordinal).ToList();
        if (ordered.Count <= MaxSlices)
            return ordered;
        var rest = ordered.Skip(MaxSlices - 1).Aggregate(Money.Zero, (sum, s) => sum + s.Cost);
        return [.. ordered.Take(MaxSlices - 1), new CostSlice("Other", rest)];
    }

    /// <summary>
    /// How a cost axis is drawn. MudChart's tick spacing is a whole number of plotted units, so small amounts are plotted
    /// in a finer unit (cents, or smaller) where about four whole-number ticks fit: <see cref="Factor"/> plotted units
    /// per dollar, a tick every <see cref="Step"/> units. Only the chart geometry and the tick text use this.
    /// </summary>
    public sealed record CostAxis(double Factor, int Step)
    {
        /// <summary>The plotted value of <paramref name="cost"/>.</summary>
        public double Plot(Money cost) => (double)cost.ToDecimal() * Factor;

        /// <summary>The tick text ("$1,200", "$0.25"): scale marks, not amounts of the ledger.</summary>
        public string Tick(double value)
        {
            var dollars = value / Factor;
            var decimals = Factor <= 1 ? 0 : (int)Math.Clamp(Math.Ceiling(Math.Log10(Factor / Step)), 2, 9);
            var format = decimals == 0 ? "#,##0" : "#,##0." + new string('0', decimals);
            return "$" + dollars.ToString(format, System.Globalization.CultureInfo.GetCultureInfo("en-US"));
        }

        public static CostAxis For(IEnumerable<Money> costs)
        {
            var max = (double)costs.Select(c => c.ToDecimal()).DefaultIfEmpty(0m).Max();
            var factor = 1d;
            while (max > 0 && max * factor < 4 && factor < 1e9)
                factor *= 10;
            return new CostAxis(factor, NiceStep(max * factor / 4));
        }

        /// <summary>The smallest 1, 2 or 5 × 10^k (at least 1) that is not below <paramref name="raw"/>.</summary>
        private static int NiceStep(double raw)
        {
            if (raw <= 1)
                return 1;
            var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
            foreach (var m in new[] { 1d, 2d, 5d, 10d })
            {
                if (m * magnitude >= raw)
                    return (int)Math.Min(int.MaxValue, m * magnitude);
            }
            return (int)Math.Min(int.MaxValue, 10 * magnitude);
        }
    }

    /// <summary>A label short enough for a bar ("Claude Sonnet…"); the tooltip and legend show the whole name.</summary>
    public static string ShortLabel(string label, int max = 13) => label.Length <= max ? label : label[..(max - 1)].TrimEnd() + "…";

    /// <summary>Show every n-th day label so at most about 12 fit under the axis (the chart keeps all labels for its
    /// tooltips; CSS hides the others).</summary>
    public static int LabelStep(int days) => days switch
    {
        <= 12 => 1,
        <= 24 => 2,
        <= 36 => 3,
        <= 60 => 5,
        <= 84 => 7,
        _ => 14,
    };
}
