using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BillingConsole.Web.Health;

/// <summary>Every migration this build knows is applied: an instance of a newer build must not take traffic on a
/// database that has not been migrated yet (run <c>BillingConsole.Web migrate</c> or the SQL Server script first).</summary>
public sealed class MigrationsHealthCheck(IDbContextFactory<BillingDbContext> dbFactory) : IHealthCheck
{
    public const string Name = "migrations";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        return pending.Count == 0
            ? HealthCheckResult.Healthy("Every migration is applied.")
            : HealthCheckResult.Unhealthy($"{pending.Count} pending migration(s), first {pending[0]}.",
                data: new Dictionary<string, object> { ["pending"] = pending });
    }
}
