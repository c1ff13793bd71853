using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Diagnostics;

/// <summary>Metrics are never public outside Development: enabling them there without a token refuses to start.</summary>
public sealed class PrometheusOptionsValidator(IHostEnvironment environment) : IValidateOptions<PrometheusOptions>
{
    public ValidateOptionsResult Validate(string? name, PrometheusOptions o) =>
        o.IsEnabled(environment) && !environment.IsDevelopment() && string.IsNullOrWhiteSpace(o.Token)
            ? ValidateOptionsResult.Fail($"{PrometheusOptions.TokenKey} is required when {PrometheusOptions.EnabledKey} is true outside Development (scrapers send it as a bearer token).")
            : ValidateOptionsResult.Success;
}
