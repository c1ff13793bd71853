namespace BillingConsole.Web.Tests.Configuration;

/// <summary>The real process: a Production start without its settings, or with a database provider it does not know,
/// ends with one line naming what is wrong (no stack trace), and <c>--check-config</c> prints every setting with
/// secrets masked.</summary>
[Trait("Speed", "Slow")]
public sealed class StartupProcessTests
{
    private static readonly Dictionary<string, string> Production = new() { ["ASPNETCORE_ENVIRONMENT"] = "Production" };

    private static Dictionary<string, string> ProductionWith(Dictionary<string, string> settings)
    {
        var all = new Dictionary<string, string>(Production);
        foreach (var (k, v) in settings)
            all[k] = v;
        return all;
    }

    [Fact]
    public async Task Start_ProductionWithoutSettings_ExitsWithOneLineNamingEveryMissingKey()
    {
        var (exit, stdout, stderr) = await ConsoleCommand.RunAsync(Production);

        Assert.NotEqual(0, exit);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        foreach (var key in new[] { "ConnectionStrings:Billing", "Auth:Oidc:Authority", "Auth:Oidc:ClientId", "Auth:Oidc:ClientSecret", "Stripe:SecretKey", "Stripe:WebhookSecret" })
            Assert.Contains(key, line);
        Assert.DoesNotContain("Exception", stderr + stdout);
        Assert.DoesNotContain(" at ", stderr + stdout);
    }

    [Fact]
    public async Task Start_UnknownDatabaseProvider_ExitsWithOneLineNamingIt()
    {
        var (exit, stdout, stderr) = await ConsoleCommand.RunAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Database__Provider"] = "Oracle",
            ["ConnectionStrings__Billing"] = "Data Source=db.internal", ["Stripe__WebhookSecret"] = "whsec_0123456789abcdef",
        });

        Assert.Equal(1, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("Database:Provider 'Oracle' is not supported", line);
        Assert.DoesNotContain("Exception", stderr + stdout);
    }

    [Fact]
    public async Task CheckConfig_PartlyConfigured_PrintsEveryKeyMasksSecretsAndExits1()
    {
        var (exit, stdout, _) = await ConsoleCommand.RunAsync(ProductionWith(new()
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Billing"] = "Host=db.internal;Username=billing;Password=hunter2-very-secret;Database=billing",
            ["Stripe__SecretKey"] = "sk_live_51HxQ3kLmNoPqRsTuVwXyZ",
            ["Auth__Oidc__Authority"] = "https://login.example.test/realms/billing",
            ["Metering__Tokens__0"] = "mt_gateway_0123456789abcdef",
        }), "--check-config");

        Assert.Equal(1, exit);
        Assert.Contains("Stripe:SecretKey = sk_l…(masked)", stdout);
        Assert.Contains("Metering:Tokens:0 = mt_g…(masked)", stdout);
        Assert.Contains("Auth:Oidc:Authority = https://login.example.test/realms/billing", stdout);
        Assert.Contains("Auth:Oidc:ClientSecret = (not set)", stdout);
        Assert.Contains("Auth:Revalidation:Interval = (not set; default 00:00:30)", stdout);
        Assert.Contains("db.internal", stdout);
        // A list prints item by item (the packages come from the shipped appsettings.json).
        Assert.Contains("Payments:Packages:0:Id = starter\nPayments:Packages:0:Name = Starter\n", stdout.ReplaceLineEndings("\n"));
        Assert.Contains("Admin:Tokens:{n}:Name = (not set)", stdout);
        foreach (var secret in new[] { "hunter2-very-secret", "sk_live_51Hx", "mt_gateway_0123" })
            Assert.DoesNotContain(secret, stdout);
        var verdict = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        Assert.Contains("Auth:Oidc:ClientId, Auth:Oidc:ClientSecret, Stripe:WebhookSecret", verdict);
    }

    [Fact]
    public async Task CheckConfig_Complete_SaysSoAndExits0()
    {
        var (exit, stdout, _) = await ConsoleCommand.RunAsync(ProductionWith(new()
        {
            ["ConnectionStrings__Billing"] = "Data Source=/tmp/never-opened.db",
            ["Stripe__SecretKey"] = "sk_test_51HxQ3kLmNoPqRsTuVwXyZ",
            ["Stripe__WebhookSecret"] = "whsec_0123456789abcdef",
            ["Auth__Oidc__Authority"] = "https://login.example.test/realms/billing",
            ["Auth__Oidc__ClientId"] = "billing-console",
            ["Auth__Oidc__ClientSecret"] = "oidc-secret-0123456789",
        }), "--check-config");

        Assert.Equal(0, exit);
        Assert.Contains("Complete: every required setting is there.", stdout);
        Assert.Contains("Stripe:WebhookSecret = whse…(masked)", stdout);
        Assert.DoesNotContain("oidc-secret-0123456789", stdout);
    }
}
