using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using BillingConsole.Accounting.Admin;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Web.Tests.Auth;

/// <summary><c>Admin:Tokens</c> as an operator configures them: a name and the token's SHA-256, never the token. The
/// token then opens the provisioning API and is recorded by name; a malformed entry stops the app at start.</summary>
public sealed class AdminTokenTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static string Sha256Hex(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    [Fact]
    public async Task ConfiguredHash_OpensTheProvisioningApi_AndTheTokenIsTheActor()
    {
        var token = $"bc_admin_{Guid.NewGuid():N}";
        await using var host = new TestConsoleHost("Development", new Dictionary<string, string?>
        {
            ["Admin:Tokens:0:Name"] = "crm",
            ["Admin:Tokens:0:Sha256"] = Sha256Hex(token),
        });
        host.Start();
        using var client = host.Client(token);

        using var created = await client.PostAsJsonAsync("/v1/admin/accounts",
            new { name = "From the CRM", email = "ap@crm-customer.example", idempotency_key = "crm-42" }, Ct);
        using var wrong = await host.Client(token + "x").GetAsync("/v1/admin/accounts", Ct);
        using var hashAsToken = await host.Client(Sha256Hex(token)).GetAsync("/v1/admin/accounts", Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, hashAsToken.StatusCode);
        await using var db = await host.DbFactory.CreateDbContextAsync(Ct);
        var row = await db.AdminAuditLog.AsNoTracking().SingleAsync(e => e.Action == AdminActions.AccountCreate, Ct);
        Assert.Equal("admin-token:crm", row.Actor);
    }

    [Fact]
    public void Start_MalformedTokenEntry_FailsNamingTheSetting()
    {
        using var host = new TestConsoleHost("Development", new Dictionary<string, string?>
        {
            ["Admin:Tokens:0:Name"] = "crm",
            ["Admin:Tokens:0:Sha256"] = "plain-token-by-mistake",
        });

        var failure = Record.Exception(() => host.Start());

        Assert.NotNull(failure);
        Assert.Contains("Admin:Tokens", failure.ToString());
    }
}
