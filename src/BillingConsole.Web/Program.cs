using BillingConsole.Web.Api;
using BillingConsole.Web.Auth;
using BillingConsole.Web.Components;
using BillingConsole.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddRootDevelopmentSettings();
builder.AddBillingDatabase();
builder.AddInstanceCoordination();
builder.AddAccounting();
builder.AddUsage();
builder.AddConsoleAuth();
builder.AddCustomerRateLimiting();
builder.AddConsoleUi();
builder.AddPayments();
builder.AddApiReference();

var app = builder.Build();

// `BillingConsole.Web migrate` applies pending migrations and exits: how production databases are upgraded.
if (args.Contains("migrate"))
{
    await app.Services.MigrateBillingDatabaseAsync();
    app.Logger.LogInformation("Database migrated.");
    return;
}

app.ValidateSettingsNow();
await app.PrepareBillingDatabaseAsync();
app.UseSecurityHeaders();
app.UseConsolePipeline();
app.UseCustomerRateLimiting();
app.MapBillingApi();
app.MapUsageApi();
app.MapMeteringApi();
app.MapMeteringKeysApi();
app.MapMeteringUsageApi();
app.MapMeteringRenewApi();
app.MapKeysApi();
app.MapAdminAccountsApi();
app.MapPayments();
app.MapApiReference();
app.MapConsoleAuth();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
