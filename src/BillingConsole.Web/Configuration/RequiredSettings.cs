using BillingConsole.Web.Auth;
using BillingConsole.Web.Diagnostics;

namespace BillingConsole.Web.Configuration;

/// <summary>The keys a start cannot do without, by environment. Outside Development: the database connection, OpenID
/// Connect (the only sign-in there), Stripe's secret key; always: Stripe's webhook secret, and a metrics token once
/// /metrics is enabled outside Development. The options validators still check the values' shape.</summary>
public static class RequiredSettings
{
    public static IReadOnlyList<string> Missing(IConfiguration configuration, IHostEnvironment environment)
    {
        var missing = new List<string>();
        void Require(string key)
        {
            if (string.IsNullOrWhiteSpace(configuration[key]))
                missing.Add(key);
        }
        var production = !environment.IsDevelopment();
        var provider = configuration["Database:Provider"] ?? "Sqlite";
        if (production || !provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
            Require(ConfigurationCatalog.ConnectionStringKey);
        var oidcGiven = new[] { OidcSettings.AuthorityKey, OidcSettings.ClientIdKey, OidcSettings.ClientSecretKey }.Any(k => !string.IsNullOrWhiteSpace(configuration[k]));
        if (production || oidcGiven)
        {
            Require(OidcSettings.AuthorityKey);
            Require(OidcSettings.ClientIdKey);
            Require(OidcSettings.ClientSecretKey);
        }
        if (production)
            Require("Stripe:SecretKey");
        Require("Stripe:WebhookSecret");
        var prometheus = configuration.GetSection(PrometheusOptions.Section).Get<PrometheusOptions>() ?? new PrometheusOptions();
        if (production && prometheus.IsEnabled(environment))
            Require(PrometheusOptions.TokenKey);
        return missing;
    }

    /// <summary>The one line a start that lacks settings ends with.</summary>
    public static string Message(IReadOnlyList<string> missing, IHostEnvironment environment) =>
        $"BillingConsole cannot start ({environment.EnvironmentName}): missing setting{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)}. " +
        "Set them (environment variables use __ for :, e.g. Auth__Oidc__Authority) and run with --check-config to review every setting.";
}
