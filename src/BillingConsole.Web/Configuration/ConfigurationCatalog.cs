using System.Collections;
using System.Globalization;
using System.Reflection;
using BillingConsole.Accounting.Payments;
using BillingConsole.Accounting.Teams;
using BillingConsole.Web.Auth;
using BillingConsole.Web.Diagnostics;
using BillingConsole.Web.Health;
using BillingConsole.Web.Hosting;
using BillingConsole.Web.Payments;

namespace BillingConsole.Web.Configuration;

/// <summary>
/// Every configuration key the console binds, read by reflection from the options classes (so a new property is listed
/// by itself) plus the few keys read directly. <c>--check-config</c> prints it and docs/operations.md's table is
/// checked against it by a test.
/// </summary>
public static class ConfigurationCatalog
{
    /// <summary>Each options class and the section it is bound from (a test fails for an options class missing here).</summary>
    public static readonly IReadOnlyList<(string Section, Type Options)> Sections =
    [
        ("Database", typeof(DatabaseOptions)),
        (OidcSettings.Section, typeof(OidcSettings)),
        (SessionRevalidationOptions.Section, typeof(SessionRevalidationOptions)),
        ("Stripe", typeof(StripeOptions)),
        ("Payments", typeof(PaymentsOptions)),
        ("Metering", typeof(MeteringOptions)),
        (AdminTokenOptions.Section, typeof(AdminTokenOptions)),
        ("Accounts", typeof(AccountsOptions)),
        ("RateLimiting", typeof(RateLimitingOptions)),
        ("Workers", typeof(WorkerOptions)),
        (HealthOptions.Section, typeof(HealthOptions)),
        (PrometheusOptions.Section, typeof(PrometheusOptions)),
        ("Demo", typeof(DemoOptions)),
        ("Alerts", typeof(BillingConsole.Accounting.Alerts.AlertOptions)),
        ("Email", typeof(BillingConsole.Web.Alerts.EmailOptions)),
        ("Deployment", typeof(DeploymentOptions)),
        ("Ledger:GroupCommit", typeof(BillingConsole.Accounting.Ledger.GroupCommitOptions)),
        (BillingConsole.Web.Circuits.CircuitPersistenceOptions.Section, typeof(BillingConsole.Web.Circuits.CircuitPersistenceOptions)),
    ];

    public const string ConnectionStringKey = "ConnectionStrings:Billing";

    /// <summary>Keys read without an options class.</summary>
    private static readonly SettingKey[] RawKeys =
    [
        new(ConnectionStringKey, "SQLite App_Data/billing.db (Development only)", true),
        new("OTEL_EXPORTER_OTLP_ENDPOINT", "(none: no traces exported)", false),
    ];

    /// <summary>Defaults that depend on the environment or another key, said in words.</summary>
    private static readonly Dictionary<string, string> DefaultsInWords = new()
    {
        [PrometheusOptions.EnabledKey] = "true in Development, else false",
        ["Stripe:Livemode"] = "true exactly with a live secret key",
        ["Ledger:GroupCommit:Enabled"] = "true on SQLite, false on PostgreSQL and SQL Server",
        ["Ledger:GroupCommit:MaxInFlight"] = "0 (one on SQLite, eight on PostgreSQL and SQL Server)",
    };

    public static IReadOnlyList<SettingKey> Keys { get; } = [.. RawKeys.Take(1), .. Sections.SelectMany(s => Walk(s.Section, s.Options)), .. RawKeys.Skip(1)];

    /// <summary>Secrets are shown masked: keys, tokens, client secrets, connection strings (passwords).</summary>
    public static bool IsSecret(string key)
    {
        var last = key.Split(':').Last(p => p != "{n}");
        return key == ConnectionStringKey || last.Contains("Secret", StringComparison.OrdinalIgnoreCase)
            || last.Contains("Token", StringComparison.OrdinalIgnoreCase) || last.Contains("Password", StringComparison.OrdinalIgnoreCase)
            || last.EndsWith("ApiKey", StringComparison.OrdinalIgnoreCase);
    }

    private static IEnumerable<SettingKey> Walk(string prefix, Type type)
    {
        var instance = Activator.CreateInstance(type);
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetIndexParameters().Length == 0))
        {
            var key = $"{prefix}:{p.Name}";
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            if (IsScalar(t))
                yield return new(key, DefaultsInWords.GetValueOrDefault(key) ?? Format(p.GetValue(instance)), IsSecret(key));
            else if (ElementOf(t) is { } element)
            {
                if (IsScalar(element))
                    yield return new(key + ":{n}", "(none)", IsSecret(key));
                else
                    foreach (var item in Walk(key + ":{n}", element))
                        yield return item with { Default = "(none)" };
            }
            else
                foreach (var nested in Walk(key, t))
                    yield return nested;
        }
    }

    private static bool IsScalar(Type t) => t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan)
        || t == typeof(DateTime) || t == typeof(DateTimeOffset) || t == typeof(Uri);

    private static Type? ElementOf(Type t) => t.IsArray ? t.GetElementType()
        : t.IsGenericType && typeof(IEnumerable).IsAssignableFrom(t) ? t.GetGenericArguments()[0] : null;

    private static string Format(object? value) => value switch
    {
        null or "" => "(none)",
        bool b => b ? "true" : "false",
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "(none)",
    };
}
