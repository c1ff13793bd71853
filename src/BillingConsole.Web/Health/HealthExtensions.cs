using BillingConsole.Web.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

public static class HealthExtensions
{
    public const string LivePath = "/healthz";
    public const string ReadyPath = "/readyz";
    private const string ReadyTag = "ready";

    /// <summary>Liveness (the process answers) and readiness (database reachable, migrations applied, workers not stale).</summary>
    public static WebApplicationBuilder AddConsoleHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section);
        builder.Services.TryAddSingleton<IWorkerRunSource, LocalWorkerRuns>();
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>(DatabaseHealthCheck.Name, tags: [ReadyTag])
            .AddCheck<MigrationsHealthCheck>(MigrationsHealthCheck.Name, tags: [ReadyTag])
            .AddCheck<WorkersHealthCheck>(WorkersHealthCheck.Name, tags: [ReadyTag]);
        return builder;
    }

    /// <summary>Both are anonymous (probes carry no credentials) and hold no secrets; GET only. Probes, not part of the
    /// API contract: they answer JSON but have no problem responses.</summary>
    public static IEndpointRouteBuilder MapConsoleHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet(LivePath, (HealthCheckService health, HttpContext context) => ReportAsync(health, context, _ => false))
            .AllowAnonymous().WithTags("Health")
            .WithSummary("Liveness: the process answers (no dependency is checked)")
            .Produces(StatusCodes.Status200OK, contentType: "application/json");
        app.MapGet(ReadyPath, (HealthCheckService health, HttpContext context) => ReportAsync(health, context, c => c.Tags.Contains(ReadyTag)))
            .AllowAnonymous().WithTags("Health")
            .WithSummary("Readiness: database reachable, migrations applied, background workers not stale (503 when not ready)")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces(StatusCodes.Status503ServiceUnavailable, contentType: "application/json");
        return app;
    }

    private static async Task ReportAsync(HealthCheckService health, HttpContext context, Func<HealthCheckRegistration, bool> predicate)
    {
        var report = await health.CheckHealthAsync(predicate, context.RequestAborted);
        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        await HealthResponse.WriteAsync(context, report);
    }
}
