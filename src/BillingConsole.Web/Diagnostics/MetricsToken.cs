using System.Security.Cryptography;
using System.Text;
using BillingConsole.Web.Api;
using Microsoft.Net.Http.Headers;

namespace BillingConsole.Web.Diagnostics;

/// <summary>Guards <c>/metrics</c> with the configured bearer token, compared in constant time (both sides hashed first,
/// so neither the length nor a prefix of the token leaks through timing).</summary>
public sealed class MetricsToken(string? token)
{
    private readonly byte[]? _expected = string.IsNullOrEmpty(token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public bool Allows(HttpContext context)
    {
        if (_expected is null)
            return true;
        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return false;
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _expected);
    }

    /// <summary>Wraps the endpoint's delegate: a request without the token gets 401 problem+json and never reaches it.</summary>
    public void Guard(EndpointBuilder endpoint)
    {
        var next = endpoint.RequestDelegate ?? throw new InvalidOperationException("The metrics endpoint has no request delegate.");
        endpoint.RequestDelegate = async context =>
        {
            if (Allows(context))
            {
                await next(context);
                return;
            }
            context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
            await Problems.Create(StatusCodes.Status401Unauthorized, "unauthorized", "Send the metrics token as a bearer token.").ExecuteAsync(context);
        };
    }
}
