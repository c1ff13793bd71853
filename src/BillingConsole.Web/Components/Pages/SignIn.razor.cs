using BillingConsole.Accounting.Identity;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Components.Pages;

/// <summary>The sign-in page. With OpenID Connect configured: one button that leaves for the identity provider
/// (<c>/auth/signin</c>). Otherwise, in Development only, the development sign-in: each seeded user is a plain form post
/// to <c>/auth/dev-signin</c>, which sets the cookie.</summary>
public partial class SignIn
{
    private const string DefaultReturnUrl = "/billing";

    private bool _enabled;
    private bool _oidc;
    private string _providerName = "single sign-on";
    private bool _failed;
    private string _returnUrl = DefaultReturnUrl;

    [Inject] private UserDirectory Directory { get; set; } = default!;
    [Inject] private IHostEnvironment Environment { get; set; } = default!;
    [Inject] private IOptions<OidcSettings> Oidc { get; set; } = default!;
    [Inject] private ILogger<SignIn> Logger { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "returnUrl")] public string? ReturnUrl { get; set; }

    [SupplyParameterFromQuery(Name = "error")] public string? Error { get; set; }

    [SupplyParameterFromQuery(Name = "signedout")] public string? SignedOut { get; set; }

    /// <summary>The users as the prerender loaded them, so the interactive render does not query again.</summary>
    [PersistentState] public List<UserSummary>? Users { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _returnUrl = ReturnUrls.LocalOr(ReturnUrl, DefaultReturnUrl);
        _oidc = Oidc.Value.Enabled;
        _providerName = Oidc.Value.DisplayName;
        _enabled = DevSignInEndpoints.IsEnabled(Environment, Oidc.Value);
        if (!_enabled || Users is not null)
            return;
        try
        {
            Users = [.. await Directory.ListAsync()];
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Loading the demo users failed.");
            _failed = true;
        }
    }

    private static string Initials(string name) =>
        string.Concat(name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2).Select(part => char.ToUpperInvariant(part[0])));

    private static string RoleLabel(string role) => role switch
    {
        Roles.Customer => "Customer",
        Roles.BillingAdmin => "Billing admin",
        _ => role,
    };
}
