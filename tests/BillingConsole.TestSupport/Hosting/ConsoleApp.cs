using BillingConsole.Accounting.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.TestSupport;

/// <summary>
/// The console in Development mode, migrated and seeded with the demo data at start exactly as <c>dotnet run</c> does
/// (a smaller history than the development seed keeps start-up and full-history paging quick). Shared by a collection
/// of API and browser tests, which work on accounts of their own or read the demo customer's.
/// </summary>
public sealed class ConsoleApp() : TestConsoleHost("Development", DemoSettings), IAsyncLifetime
{
    private static readonly Dictionary<string, string?> DemoSettings = new()
    {
        ["Demo:Seed"] = "true",
        ["Demo:Requests"] = "3000",
        ["Demo:Days"] = "30",
        // Open pages re-read their role every second, so a browser test sees a role change without a long wait.
        ["Auth:Revalidation:Interval"] = "00:00:01",
    };

    /// <summary>The demo customer's API key from the development configuration.</summary>
    public string CustomerApiKey => Services.GetRequiredService<IConfiguration>()["Demo:CustomerApiKey"]
        ?? throw new InvalidOperationException("Demo:CustomerApiKey is missing from appsettings.Development.json.");

    /// <summary>The demo gateway's metering token from the development configuration.</summary>
    public string MeteringToken => Services.GetRequiredService<IConfiguration>()["Demo:MeteringToken"]
        ?? throw new InvalidOperationException("Demo:MeteringToken is missing from appsettings.Development.json.");

    /// <summary>The demo provisioning API token from the development configuration.</summary>
    public string AdminToken => Services.GetRequiredService<IConfiguration>()["Demo:AdminToken"]
        ?? throw new InvalidOperationException("Demo:AdminToken is missing from appsettings.Development.json.");

    public ValueTask InitializeAsync()
    {
        Start();
        return ValueTask.CompletedTask;
    }

    /// <summary>Issues a fresh API key for a seeded account (stored hashed, as the key service will).</summary>
    public async Task<(long AccountId, string Secret)> CreateApiKeyAsync(string accountName)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var accountId = await db.Accounts.Where(a => a.Name == accountName).Select(a => a.Id).SingleAsync();
        var secret = $"bc_test_{Guid.NewGuid():N}";
        db.ApiKeys.Add(new ApiKey
        {
            AccountId = accountId, Name = "test", Prefix = ApiKey.PrefixOf(secret), SecretHash = ApiKey.Hash(secret), CreatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
        return (accountId, secret);
    }

    public async Task<long> DemoAccountIdAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.Accounts.Where(a => a.Name == "Acme Robotics").Select(a => a.Id).SingleAsync();
    }
}
