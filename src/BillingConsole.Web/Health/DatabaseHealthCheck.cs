using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BillingConsole.Web.Health;

/// <summary>The database answers a trivial query. The connection error itself is logged by the health check service,
/// never put in the response (it can name hosts and users).</summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<BillingDbContext> dbFactory) : IHealthCheck
{
    public const string Name = "database";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Database.CanConnectAsync(ct)
            ? HealthCheckResult.Healthy("The database answers.")
            : HealthCheckResult.Unhealthy("The database cannot be reached.");
    }
}
