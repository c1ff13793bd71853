using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Db.Postgres;
using BillingConsole.Db.SqlServer;
using BillingConsole.Db.Sqlite;
using BillingConsole.Demo;
using BillingConsole.Web.Configuration;
using BillingConsole.Web.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class DatabaseExtensions
{
    /// <summary>Chooses the provider from <c>Database:Provider</c> and the connection from <c>ConnectionStrings:Billing</c>
    /// (SQLite defaults to App_Data/billing.db under the content root).</summary>
    public static WebApplicationBuilder AddBillingDatabase(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration("Database");
        var options = builder.Configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        IBillingDatabaseProvider provider = options.Provider.ToLowerInvariant() switch
        {
            "sqlite" => new SqliteDatabaseProvider(),
            "postgres" or "postgresql" => new PostgresDatabaseProvider(),
            "sqlserver" => new SqlServerDatabaseProvider(),
            _ => throw new StartupConfigurationException(
                $"Database:Provider '{options.Provider}' is not supported; use Sqlite, Postgres or SqlServer."),
        };
        var connectionString = builder.Configuration.GetConnectionString("Billing");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (provider is not SqliteDatabaseProvider)
                throw new StartupConfigurationException($"ConnectionStrings:Billing is required for Database:Provider {provider.Name}.");
            connectionString = DefaultSqliteConnection(builder.Environment.ContentRootPath);
        }
        builder.Services.AddSingleton(provider);
        builder.Services.AddSingleton<ILedgerDialect>(provider.Dialect);
        builder.Services.AddPooledDbContextFactory<BillingDbContext>(o =>
            provider.Configure((DbContextOptionsBuilder<BillingDbContext>)o, connectionString));
        // The Data Protection key ring lives in the same database (InstanceExtensions).
        builder.Services.AddDbContext<DataProtectionKeysDbContext>(o => provider.Configure(o, connectionString));
        return builder;
    }

    private static string DefaultSqliteConnection(string contentRoot)
    {
        var folder = Path.Combine(contentRoot, "App_Data");
        Directory.CreateDirectory(folder);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(folder, "billing.db"),
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Applies pending migrations (and SQLite's WAL setting).</summary>
    public static async Task MigrateBillingDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var provider = services.GetRequiredService<IBillingDatabaseProvider>();
        await using var db = await services.GetRequiredService<IDbContextFactory<BillingDbContext>>().CreateDbContextAsync(ct);
        await provider.PrepareAsync(db, ct);
        await db.Database.MigrateAsync(ct);
        await CatalogFile.SyncAsync(services.GetRequiredService<IDbContextFactory<BillingDbContext>>(), ct);
    }

    /// <summary>At start-up: migrate when configured to (Development) and seed the demo data into an empty database.</summary>
    public static async Task PrepareBillingDatabaseAsync(this WebApplication app)
    {
        var database = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (database.ApplyMigrationsAtStartup)
            await app.Services.MigrateBillingDatabaseAsync();
        // The catalog file ships with the app: new models and price versions reach the database on every start.
        var (models, versions) = await CatalogFile.SyncAsync(app.Services.GetRequiredService<IDbContextFactory<BillingDbContext>>());
        if (models + versions > 0)
            app.Logger.LogInformation("Price catalog: added {Models} models and {Versions} price versions.", models, versions);
        await app.Services.GetRequiredService<PriceCatalog>().ReloadAsync();
        var demo = app.Services.GetRequiredService<IOptions<DemoOptions>>().Value;
        if (demo.Seed)
        {
            var services = app.Services;
            var provider = services.GetRequiredService<IBillingDatabaseProvider>();
            var seeder = new DemoData(services.GetRequiredService<IDbContextFactory<BillingDbContext>>(), provider.Dialect,
                services.GetRequiredService<PriceCatalog>(), TimeProvider.System);
            // Bulk loading writes exactly the write path's rows; SQL Server has no bulk path here and is seeded call by call.
            var size = new DemoSize(demo.Requests, demo.Days, Bulk: provider is not SqlServerDatabaseProvider);
            // The seeder logs its own progress and "ready in ..."; false means the data was already there.
            await seeder.SeedIfEmptyAsync(demo.CustomerApiKey, size, message => app.Logger.LogInformation("{Message}", message));
        }
    }
}
