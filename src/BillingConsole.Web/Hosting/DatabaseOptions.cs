namespace BillingConsole.Web.Hosting;

public sealed class DatabaseOptions
{
    /// <summary>Sqlite (default), Postgres or SqlServer.</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>Development applies pending migrations at start; production runs <c>BillingConsole.Web migrate</c> or the SQL script.</summary>
    public bool ApplyMigrationsAtStartup { get; set; }
}

public sealed class DemoOptions
{
    /// <summary>Seeds the demo customer, admin and months of history into an empty database.</summary>
    public bool Seed { get; set; }
    public string? CustomerApiKey { get; set; }
    public string? MeteringToken { get; set; }
    /// <summary>A provisioning API token for trying /v1/admin/* in development (actor <c>admin-token:demo</c>).</summary>
    public string? AdminToken { get; set; }

    /// <summary>Metered calls in the generated history, and the days it spans.</summary>
    public int Requests { get; set; } = 50_000;
    public int Days { get; set; } = 90;
}

public sealed class WorkerOptions
{
    public TimeSpan HoldExpiryInterval { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan IncrementalCheckInterval { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan FullCheckInterval { get; set; } = TimeSpan.FromHours(1);
}

public sealed class MeteringOptions
{
    /// <summary>Bearer tokens of the gateways allowed to call /v1/meter/*. Service credentials, never customer keys.</summary>
    public string[] Tokens { get; set; } = [];
}
