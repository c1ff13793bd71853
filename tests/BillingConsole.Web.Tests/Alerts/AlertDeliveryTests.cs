using System.Text.Json;
using BillingConsole.Accounting.Alerts;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Alerts;

/// <summary>
/// Alerts delivered through the real console: its workers evaluate the rules and dispatch the outbox, an email
/// reaches a real SMTP server on loopback, and a webhook reaches a loopback receiver that checks the Standard
/// Webhooks signature with its own HMAC and answers 500 before 200.
/// </summary>
public sealed class AlertDeliveryTests : IAsyncLifetime
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private readonly LoopbackSmtpServer _smtp = new();
    private WebhookReceiver _receiver = null!;
    private TestConsoleHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _host = new TestConsoleHost("Development", new Dictionary<string, string?>
        {
            ["Email:SmtpHost"] = "127.0.0.1",
            ["Email:SmtpPort"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:UseTls"] = "false",
            ["Email:From"] = "Billing alerts <alerts@console.test>",
            ["Alerts:ConsoleBaseUrl"] = "https://console.test",
            ["Alerts:EvaluationInterval"] = "00:00:00.2",
            ["Alerts:DispatchInterval"] = "00:00:00.2",
        });
        _host.Start();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private async Task<(long Account, string Name, string Owner)> AccountAsync()
    {
        var name = $"Acme {Guid.NewGuid():N}"[..13];
        var account = await _host.CreateAccountAsync(name);
        var owner = $"owner-{Guid.NewGuid():N}@example.test";
        await _host.CreateUserAsync(owner, "customer", account);
        await PostAsync(account, EntryTypes.Topup, Money.FromDollars(10));
        return (account, name, owner);
    }

    private async Task PostAsync(long account, string type, Money amount) =>
        Assert.True((await _host.Ledger.PostAsync(new PostRequest(account, type, amount, "alert test", new Origin(EntrySources.Admin, "tests")), Ct)).Succeeded);

    private static async Task<T> EventuallyAsync<T>(Func<T?> probe, string what) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } found)
                return found;
            await Task.Delay(100, Ct);
        }
        throw new TimeoutException($"Waited 60 s for {what}.");
    }

    private async Task<OutboxMessage?> OutboxAsync(long account, string channel)
    {
        await using var db = await _host.DbFactory.CreateDbContextAsync(Ct);
        return await db.OutboxMessages.AsNoTracking().SingleOrDefaultAsync(m => m.AccountId == account && m.Channel == channel, Ct);
    }

    [Fact]
    public async Task BalanceAlert_Fired_EmailsTheOwnerWithAccountFigureAndLink()
    {
        var (account, name, owner) = await AccountAsync();
        var (rule, error) = await _host.Services.GetRequiredService<AlertRules>()
            .CreateAsync(account, new NewAlertRule(AlertKinds.BalanceBelow, Money.FromDollars(5).Units, null), owner, Ct);
        Assert.Null(error);

        await PostAsync(account, EntryTypes.UsageDebit, -Money.FromCents(575));

        var mail = await EventuallyAsync(() => _smtp.Messages.FirstOrDefault(m => m.To.Mailboxes.Any(a => a.Address == owner)), "the alert email");
        Assert.Equal($"[Alert] Balance below: {name}", mail.Subject);
        Assert.Equal("alerts@console.test", mail.From.Mailboxes.Single().Address);
        foreach (var body in new[] { mail.TextBody, mail.HtmlBody })
        {
            Assert.Contains(name, body);
            Assert.Contains("$4.25", body);
            Assert.Contains("$5.00", body);
            Assert.Contains("https://console.test/alerts", body);
        }
        Assert.Contains("<a href=\"https://console.test/alerts\">", mail.HtmlBody);
        var sent = await EventuallyAsync(() => OutboxAsync(account, OutboxChannels.Email).Result is { DeliveredAt: not null } m ? m : null, "the delivery mark");
        Assert.Equal((1, rule!.Id), (sent.Attempts, AlertNotice.FromJson(sent.Payload).Data.RuleId));
        Assert.Equal($"<{sent.MessageId}@billingconsole>", $"<{mail.MessageId}>");
    }

    [Fact]
    public async Task Webhook_AnsweredWith500ThenOk_IsRetriedWithTheSameIdAndAValidSignature()
    {
        var (account, name, owner) = await AccountAsync();
        var endpoints = _host.Services.GetRequiredService<WebhookEndpoints>();
        var (endpoint, secret, error) = await endpoints.CreateAsync(account, _receiver.Url.ToString(), owner, Ct);
        Assert.Null(error);
        Assert.StartsWith("whsec_", secret);
        _receiver.Script.Enqueue(500);
        await _host.Services.GetRequiredService<AlertRules>()
            .CreateAsync(account, new NewAlertRule(AlertKinds.BalanceBelow, Money.FromDollars(5).Units, null), owner, Ct);

        await PostAsync(account, EntryTypes.UsageDebit, -Money.FromDollars(6));

        var delivered = await EventuallyAsync(() => OutboxAsync(account, OutboxChannels.Webhook).Result is { DeliveredAt: not null } m ? m : null,
            "the webhook delivered after its retry");
        var requests = _receiver.Requests.Where(r => r.Body.Contains($"\"account_id\":{account},", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal(delivered.MessageId, r.Id);
            Assert.True(StandardWebhookCheck.IsValid(secret!, r.Id, r.Timestamp, r.Body, r.Signature), $"signature {r.Signature} does not verify");
            Assert.False(StandardWebhookCheck.IsValid(WebhookSecrets.NewSecret(), r.Id, r.Timestamp, r.Body, r.Signature));
            Assert.False(StandardWebhookCheck.IsValid(secret!, r.Id, r.Timestamp, r.Body.Replace("$4.00", "$9.00", StringComparison.Ordinal), r.Signature));
        });
        using var json = JsonDocument.Parse(requests[1].Body);
        Assert.Equal("alert.fired", json.RootElement.GetProperty("type").GetString());
        var data = json.RootElement.GetProperty("data");
        Assert.Equal((name, AlertKinds.BalanceBelow, Money.FromDollars(4).Units, endpoint!.Id),
            (data.GetProperty("account_name").GetString(), data.GetProperty("kind").GetString(), data.GetProperty("value").GetInt64(), long.Parse(delivered.Recipient, System.Globalization.CultureInfo.InvariantCulture)));
        var attempts = await endpoints.AttemptsAsync(account, delivered.Id, Ct);
        Assert.Equal([(500, false), (200, true)], attempts.Select(a => (a.Status ?? 0, a.Succeeded)));
        Assert.Equal((2, 200), (delivered.Attempts, delivered.LastStatus));
        Assert.Equal(0, (await endpoints.ListAsync(account, Ct)).Single().ConsecutiveFailures);
        // The stored secret is encrypted, not the whsec the owner was shown.
        await using var db = await _host.DbFactory.CreateDbContextAsync(Ct);
        Assert.DoesNotContain(secret!["whsec_".Length..], await db.WebhookEndpoints.Where(e => e.Id == endpoint.Id).Select(e => e.ProtectedSecret).SingleAsync(Ct));
    }
}
