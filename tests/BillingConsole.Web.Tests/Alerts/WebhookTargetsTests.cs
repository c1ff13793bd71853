using System.Net;
using BillingConsole.Web.Alerts;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Alerts;

/// <summary>Owners' webhooks cannot be pointed inside the console's network: refused when registered, and refused
/// again on the address the client actually dials (real sockets against a loopback receiver).</summary>
public sealed class WebhookTargetsTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("2002:a00:1::", false)]
    [InlineData("2606:4700::1111", true)]
    public void IsPublic_Address_MatchesItsRange(string address, bool expected) =>
        Assert.Equal(expected, WebhookTargets.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("https://hooks.example.com/billing", null)]
    [InlineData("http://hooks.example.com/billing", "url must use https.")]
    [InlineData("https://127.0.0.1/hook", "url must point to a public address, not a loopback, private or link-local one.")]
    [InlineData("https://localhost/hook", "url must point to a public address, not a loopback, private or link-local one.")]
    [InlineData("https://169.254.169.254/latest/meta-data", "url must point to a public address, not a loopback, private or link-local one.")]
    [InlineData("https://[fd00::1]/hook", "url must point to a public address, not a loopback, private or link-local one.")]
    [InlineData("https://user:pw@hooks.example.com/", "url must be an absolute https URL of at most 2000 characters, without credentials.")]
    [InlineData("ftp://hooks.example.com/", "url must be an absolute https URL of at most 2000 characters, without credentials.")]
    public void ValidateUrl_PrivateTargetsNotAllowed_RefusesWhatPointsInside(string url, string? expected) =>
        Assert.Equal(expected, new WebhookTargets(allowPrivate: false).ValidateUrl(url));

    [Fact]
    public void ValidateUrl_PrivateTargetsAllowed_TakesHttpToLoopbackOnly()
    {
        var targets = new WebhookTargets(allowPrivate: true);
        Assert.Null(targets.ValidateUrl("http://127.0.0.1:5050/hook"));
        Assert.NotNull(targets.ValidateUrl("http://hooks.example.com/hook"));
    }

    [Fact]
    public async Task Connect_NameResolvingToLoopback_IsRefusedAndNothingArrives()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var byName = new UriBuilder(receiver.Url) { Host = "localhost" }.Uri;

        using var refusing = Client(new WebhookTargets(allowPrivate: false));
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => refusing.PostAsync(byName, new StringContent("{}"), Ct));
        Assert.Contains("resolves to no public address", error.Message + error.InnerException?.Message);
        Assert.Empty(receiver.Requests);

        using var allowing = Client(new WebhookTargets(allowPrivate: true));
        using var response = await allowing.PostAsync(receiver.Url, new StringContent("{}"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Register_OnAConsoleThatForbidsPrivateTargets_RefusesLoopbackAndWritesNothing()
    {
        await using var host = new TestConsoleHost("Development", new Dictionary<string, string?> { ["Alerts:AllowPrivateWebhookTargets"] = "false" });
        host.Start();
        var account = await host.CreateAccountAsync("Ssrf Probe");
        var endpoints = host.Services.GetRequiredService<WebhookEndpoints>();

        var (endpoint, secret, error) = await endpoints.CreateAsync(account, "http://127.0.0.1:8080/internal", "owner@example.test", Ct);

        Assert.Null(endpoint);
        Assert.Null(secret);
        Assert.Equal("url must use https.", error);
        Assert.Empty(await endpoints.ListAsync(account, Ct));
    }

    private static HttpClient Client(WebhookTargets targets) =>
        new(new SocketsHttpHandler { UseProxy = false, ConnectCallback = targets.ConnectAsync }) { Timeout = TimeSpan.FromSeconds(30) };
}
