using System.Net;
using System.Text.Json;

namespace BillingConsole.Web.Tests.Auth;

/// <summary>The console and provider with <c>Accounts:SelfServeSignUp</c> on and a $2.50 sign-up bonus.</summary>
public sealed class SelfServeOidcConsole : OidcConsole
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
        [new("Accounts:SelfServeSignUp", "true"), new("Accounts:SignupBonus", "2.5")];
}

/// <summary>Self-serve sign-up through the real OpenID Connect round trip: on, a new verified person lands on their
/// own account with the bonus; off (the default), they have no account.</summary>
public sealed class SelfServeSignUpOidcTests(SelfServeOidcConsole oidc) : IClassFixture<SelfServeOidcConsole>
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignIn_SelfServeOn_NewVerifiedPersonSeesTheirOwnAccountWithTheBonus()
    {
        var (client, landing) = await OidcHttpSignIn.SignInAsync(oidc, $"sub-{Guid.NewGuid():N}", $"new-{Guid.NewGuid():N}@example.test",
            EmailVerifiedClaim.True, Ct);

        Assert.Equal("/billing", landing);
        using var response = await client.GetAsync("/billing/balance", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(2.5m, json.RootElement.GetProperty("balance").GetDecimal());
    }
}

public sealed class SelfServeSignUpOffOidcTests(OidcConsole oidc) : IClassFixture<OidcConsole>
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignIn_SelfServeOff_NewVerifiedPersonHasNoAccount()
    {
        var (client, _) = await OidcHttpSignIn.SignInAsync(oidc, $"sub-{Guid.NewGuid():N}", $"new-{Guid.NewGuid():N}@example.test",
            EmailVerifiedClaim.True, Ct);

        using var response = await client.GetAsync("/billing/balance", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
