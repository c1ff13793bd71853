using System.Text.Json;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Benchmarks;

/// <summary>
/// The real console (BillingConsole.Web) in-process on Kestrel on a loopback port, in Development (development
/// sign-in, demo metering token, a small demo seed) on a fresh <see cref="BenchDatabase"/>. Background workers are
/// slowed to hourly so they do not compete with the measured requests.
/// </summary>
public sealed class BenchApp(BenchDatabase database, int demoRequests) : WebApplicationFactory<Program>
{
    public static async Task<BenchApp> StartAsync(BenchDatabase database, int demoRequests)
    {
        // WebApplicationFactory looks for its manifest in the current directory; `dotnet run` starts elsewhere.
        var manifest = JsonSerializer.Deserialize<Dictionary<string, string>>(
            await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "MvcTestingAppManifest.json")))!;
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_BILLINGCONSOLE_WEB",
            manifest.Single(m => m.Key.StartsWith(typeof(Program).Assembly.GetName().Name + ",", StringComparison.Ordinal)).Value);
        var app = new BenchApp(database, demoRequests);
        app.UseKestrel(0);
        await Task.Run(app.StartServer);
        return app;
    }

    public Uri BaseAddress => new(ClientOptions.BaseAddress.ToString());

    public string MeteringToken => Services.GetRequiredService<IConfiguration>()["Demo:MeteringToken"]
        ?? throw new InvalidOperationException("Demo:MeteringToken is missing from appsettings.Development.json.");

    public IDbContextFactory<BillingDbContext> DbFactory => Services.GetRequiredService<IDbContextFactory<BillingDbContext>>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Database:Provider", database.Provider.Name);
        builder.UseSetting("ConnectionStrings:Billing", database.ConnectionString);
        builder.UseSetting("Demo:Requests", demoRequests.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Demo:Days", "30");
        builder.UseSetting("Workers:HoldExpiryInterval", "01:00:00");
        builder.UseSetting("Workers:IncrementalCheckInterval", "01:00:00");
        builder.UseSetting("Payments:AutoRechargeInterval", "01:00:00");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Warning");
    }

    /// <summary>A funded account with one API key (and its secret, which a gateway verifies), for a gateway to meter calls against.</summary>
    public async Task<(long AccountId, long KeyId, string Secret)> CreateCustomerAsync(Money balance)
    {
        var accountId = await database.CreateAccountAsync($"bench customer {Guid.NewGuid():N}", balance);
        var created = await Services.GetRequiredService<ApiKeyService>().CreateAsync(accountId, "bench key", null);
        var key = created.Value ?? throw new InvalidOperationException(created.Failure!.Message);
        return (accountId, key.Key.Id, key.Secret);
    }
}
