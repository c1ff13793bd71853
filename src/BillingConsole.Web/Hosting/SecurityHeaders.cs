using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Hosting;

/// <summary>
/// Security headers on every response (pages, APIs, static files, errors), set before anything else runs.
/// The Content-Security-Policy fits Blazor Server and MudBlazor: scripts only from this site (blazor.web.js, MudBlazor's
/// script, the console's modules), the circuit's WebSocket to this site, inline styles allowed (MudBlazor sets style
/// attributes), no plugins, no framing, forms posting only here (and to the identity provider, which the sign-out
/// redirects to). The one inline script of a page, Blazor's import map, is allowed by its SHA-256 hash (computed from the
/// page endpoint's <see cref="ImportMapDefinition"/>, the very text the ImportMap component renders), so no
/// 'unsafe-inline' for scripts. A page that marks its endpoint with <see cref="CspScriptNonce"/> (the API reference) gets its
/// per-request nonce allowed instead. HSTS is added outside Development by the pipeline (<c>UseHsts</c>).
/// </summary>
public static class SecurityHeaders
{
    private static readonly ConditionalWeakTable<ImportMapDefinition, string> ImportMapHashes = new();

    /// <summary>The CSP source that allows exactly this import map: 'sha256-...'.</summary>
    public static string ImportMapSource(ImportMapDefinition importMap) =>
        ImportMapHashes.GetValue(importMap, map => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(map.ToString())))}'");

    public static string ContentSecurityPolicy(OidcSettings? oidc, string? importMapSource = null)
    {
        var formAction = oidc?.Enabled == true && oidc.Origin is { } origin ? $"'self' {origin}" : "'self'";
        return string.Join("; ",
            "default-src 'self'",
            importMapSource is null ? "script-src 'self'" : $"script-src 'self' {importMapSource}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            $"form-action {formAction}",
            "frame-ancestors 'none'");
    }

    public const string PermissionsPolicy =
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), browsing-topics=()";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        var oidc = app.Services.GetRequiredService<IOptions<OidcSettings>>().Value;
        var csp = ContentSecurityPolicy(oidc);
        var pageCsp = new ConditionalWeakTable<ImportMapDefinition, string>();
        app.Use((context, next) =>
        {
            // Set as the response starts, so they also reach responses that an error handler cleared and re-wrote.
            var response = context.Response;
            response.OnStarting(() =>
            {
                // Assigned, not added: they replace the framework's weaker defaults (Blazor's frame-ancestors 'self'
                // policy on pages, antiforgery's X-Frame-Options SAMEORIGIN).
                var headers = response.Headers;
                var metadata = context.GetEndpoint()?.Metadata;
                headers.ContentSecurityPolicy = metadata?.GetMetadata<ImportMapDefinition>() is { } importMap
                    ? pageCsp.GetValue(importMap, map => ContentSecurityPolicy(oidc, ImportMapSource(map)))
                    : metadata?.GetMetadata<CspScriptNonce>() is { } nonce && context.Items[nonce.ItemKey] is string value
                        ? ContentSecurityPolicy(oidc, $"'nonce-{value}'")
                        : csp;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
                headers["Permissions-Policy"] = PermissionsPolicy;
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
