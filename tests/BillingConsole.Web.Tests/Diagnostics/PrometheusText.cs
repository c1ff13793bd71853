namespace BillingConsole.Web.Tests.Diagnostics;

/// <summary>Reads samples out of a Prometheus text exposition: a sample matches when its metric name is exact and it
/// carries every given label with that value (other labels, such as the OpenTelemetry scope, are ignored).</summary>
public static class PrometheusText
{
    public static IEnumerable<double> Samples(string text, string metric, params (string Label, string Value)[] labels) =>
        text.Split('\n')
            .Where(line => !line.StartsWith('#') && (line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal)))
            .Where(line => labels.All(l => line.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Select(line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));

    public static double Sum(string text, string metric, params (string Label, string Value)[] labels) => Samples(text, metric, labels).Sum();
}
