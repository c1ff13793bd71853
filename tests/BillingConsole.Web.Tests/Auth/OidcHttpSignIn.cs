using System.Net;
using System.Text.RegularExpressions;

namespace BillingConsole.Web.Tests.Auth;

/// <summary>
/// Signs in through the real OpenID Connect round trip with plain HTTP, the way a browser would: choose the provider's
/// user, <c>/auth/signin</c> → the provider's authorize endpoint → the provider's form_post back to <c>/signin-oidc</c>
/// (submitted like the page's script does) → the console's redirect. One cookie jar holds both hosts' cookies.
/// </summary>
public static partial class OidcHttpSignIn
{
    /// <summary>The signed-in client (its cookies are the session) and where the console sent it at the end.</summary>
    public static async Task<(HttpClient Client, string Landing)> SignInAsync(OidcConsole oidc, string subject, string email,
        EmailVerifiedClaim verified, CancellationToken ct)
    {
        var client = new HttpClient(new LoopbackCookies(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }))
        {
            BaseAddress = oidc.BaseAddress,
        };
        (await client.GetAsync(oidc.Provider.LoginUrl(subject, email, $"Name of {subject}", verified), ct)).EnsureSuccessStatusCode();
        var response = await client.GetAsync("/auth/signin?returnUrl=%2Fbilling", ct);
        for (var hops = 0; hops < 10; hops++)
        {
            if (response.Headers.Location is { } location)
            {
                var next = location.IsAbsoluteUri ? location : new Uri(response.RequestMessage!.RequestUri!, location);
                if (next.Port == oidc.BaseAddress.Port && !next.AbsolutePath.StartsWith("/auth/", StringComparison.Ordinal) && next.AbsolutePath != "/signin-oidc")
                    return (client, next.PathAndQuery);
                response = await client.GetAsync(next, ct);
                continue;
            }
            var html = await response.Content.ReadAsStringAsync(ct);
            var form = FormAction().Match(html);
            Assert.True(form.Success, $"Expected a redirect or the provider's form_post, got {(int)response.StatusCode}: {html}");
            var fields = HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
            response = await client.PostAsync(WebUtility.HtmlDecode(form.Groups["action"].Value), new FormUrlEncodedContent(fields), ct);
        }
        throw new InvalidOperationException("The sign-in round trip did not end.");
    }

    [GeneratedRegex("""<form[^>]*action="(?<action>[^"]+)"[^>]*>""", RegexOptions.IgnoreCase)]
    private static partial Regex FormAction();

    [GeneratedRegex("""<input[^>]*name="(?<name>[^"]+)"[^>]*value="(?<value>[^"]*)"[^>]*>""", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenInput();

    /// <summary>A cookie jar that treats http://127.0.0.1 as a secure context, as browsers do for loopback: the OIDC
    /// handler's correlation and nonce cookies are <c>Secure</c>, and <see cref="CookieContainer"/> would not send
    /// them over http.</summary>
    private sealed class LoopbackCookies(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly CookieContainer _jar = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var uri = request.RequestUri!;
            var secureUri = new UriBuilder(uri) { Scheme = Uri.UriSchemeHttps, Port = uri.Port }.Uri;
            if (_jar.GetCookieHeader(secureUri) is { Length: > 0 } cookies)
                request.Headers.Add("Cookie", cookies);
            var response = await base.SendAsync(request, ct);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
                foreach (var header in setCookies)
                    _jar.SetCookies(secureUri, header);
            return response;
        }
    }
}
