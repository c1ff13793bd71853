namespace BillingConsole.Web.Auth;

/// <summary>Where a sign-in, sign-out or account switch may send the browser back to: only a path on this site.
/// Anything else (<c>https://evil.example</c>, <c>//evil.example</c>, <c>/\evil.example</c>, control characters) would
/// make the console an open redirect, and is replaced by the default page.</summary>
public static class ReturnUrls
{
    public const string Default = "/billing";

    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url)
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl)
        && !url.Contains('\\');

    /// <summary>The URL when it is a local path (and not the sign-in page itself, which would loop), else <paramref name="fallback"/>.</summary>
    public static string LocalOr(string? url, string fallback = Default) =>
        IsLocal(url) && !IsSignInPath(url!) ? url! : fallback;

    private static bool IsSignInPath(string url) =>
        url.StartsWith("/signin", StringComparison.OrdinalIgnoreCase) || url.StartsWith("/auth/", StringComparison.OrdinalIgnoreCase);
}
