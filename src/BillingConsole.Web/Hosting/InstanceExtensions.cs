using BillingConsole.Accounting.Coordination;
using BillingConsole.Web.Hosting;
using Microsoft.AspNetCore.DataProtection;

namespace Microsoft.Extensions.DependencyInjection;

public static class InstanceExtensions
{
    /// <summary>What lets several instances share one database: Data Protection keys in the database under a fixed
    /// application name (a sign-in, an antiforgery token or a circuit's reconnect works on any instance and survives
    /// restarts), and the leases that run each periodic job on one instance at a time.</summary>
    public static WebApplicationBuilder AddInstanceCoordination(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DeploymentOptions>().BindConfiguration("Deployment");
        var deployment = builder.Configuration.GetSection("Deployment").Get<DeploymentOptions>() ?? new DeploymentOptions();
        builder.Services.AddDataProtection()
            .SetApplicationName(deployment.ApplicationName)
            .PersistKeysToDbContext<DataProtectionKeysDbContext>();
        builder.Services.AddSingleton<WorkerLeases>();
        return builder;
    }
}
