using BillingConsole.Web.Api;
using BillingConsole.Web.Auth;
using BillingConsole.Web.Components;
using BillingConsole.Web.Hosting;

return await FriendlyStart.RunAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddRootDevelopmentSettings();
    if (builder.CheckConfiguration(args) is { } checkedExitCode)
        return checkedExitCode;
    builder.AddBillingDatabase();
    builder.AddInstanceCoordination();
    // First, so the meter provider listens before the workers' first runs.
    builder.AddConsoleTelemetry();
    builder.AddAccounting();
    builder.AddUsage();
    builder.AddConsoleAuth();
    builder.AddCustomerRateLimiting();
    builder.AddConsoleUi();
    builder.AddCircuitPersistence();
    builder.AddPayments();
    builder.AddAlerts();
    builder.AddApiReference();
    builder.AddConsoleHealth();

    var app = builder.Build();

    // `BillingConsole.Web migrate` applies pending migrations and exits: how production databases are upgraded.
    if (args.Contains("migrate"))
    {
        await app.Services.MigrateBillingDatabaseAsync();
        app.Logger.LogInformation("Database migrated.");
        return 0;
    }

    app.ValidateSettingsNow();
    await app.PrepareBillingDatabaseAsync();
    app.UseSecurityHeaders();
    app.UseConsolePipeline();
    app.UseRequestLogScopes();
    app.UseCustomerRateLimiting();
    app.MapBillingApi();
    app.MapUsageApi();
    app.MapMeteringApi();
    app.MapMeteringKeysApi();
    app.MapMeteringUsageApi();
    app.MapMeteringRenewApi();
    app.MapKeysApi();
    app.MapAlertsApi();
    app.MapBudgetsApi();
    app.MapAdminAccountsApi();
    app.MapPayments();
    app.MapApiReference();
    app.MapConsoleHealth();
    app.MapConsoleMetrics();
    app.MapConsoleAuth();
    app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    await app.RunAsync();
    return 0;
});

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
