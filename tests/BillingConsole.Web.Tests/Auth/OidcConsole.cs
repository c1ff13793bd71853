namespace BillingConsole.Web.Tests.Auth;

/// <summary>
/// The loopback OpenID Connect provider and the console configured against it (Auth:Oidc:Authority, ClientId,
/// ClientSecret), both real Kestrel hosts on 127.0.0.1; the console runs its own Program.cs on a fresh SQLite file.
/// The provider starts first (the console needs its address), then the console, then the console is registered as the
/// provider's client (its callback needs the console's port). Disposal tolerates a failed start.
/// </summary>
public class OidcConsole : IAsyncLifetime
{
    private OidcProvider? _provider;
    private TestConsoleHost? _console;

    public OidcProvider Provider => _provider ?? throw new InvalidOperationException("The provider did not start.");
    public TestConsoleHost Console => _console ?? throw new InvalidOperationException("The console did not start.");
    public Uri BaseAddress => Console.BaseAddress;

    /// <summary>Settings a derived fixture adds to the console's configuration.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraSettings => [];

    public async ValueTask InitializeAsync()
    {
        _provider = await OidcProvider.StartAsync();
        _console = new TestConsoleHost("Development", new Dictionary<string, string?>(ExtraSettings)
        {
            ["Auth:Oidc:Authority"] = _provider.Authority.ToString(),
            ["Auth:Oidc:ClientId"] = OidcProvider.ClientId,
            ["Auth:Oidc:ClientSecret"] = OidcProvider.ClientSecret,
            ["Auth:Oidc:Scope"] = "openid profile email roles",
            ["Auth:Oidc:DisplayName"] = "Test IdP",
        });
        _console.Start();
        await _provider.RegisterClientAsync(_console.BaseAddress);
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_console is not null)
            await _console.DisposeAsync();
        if (_provider is not null)
            await _provider.DisposeAsync();
    }
}
