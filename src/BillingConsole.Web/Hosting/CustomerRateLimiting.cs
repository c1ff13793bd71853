using System.Globalization;
using System.Threading.RateLimiting;
using BillingConsole.Web.Api;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Hosting;

public sealed class RateLimitingOptions
{
    /// <summary>Requests a customer (one API key, or one signed-in user) may make to the customer APIs per minute. Counted
    /// per instance (in memory): behind a load balancer over N instances a customer gets up to N times this.</summary>
    public int CustomerPermitsPerMinute { get; set; } = 600;
}

/// <summary>
/// Rate limiting for the customer APIs: every JSON endpoint under the <c>customer</c> policy (<c>/billing/*</c>,
/// <c>/v1/keys*</c>, and any added later), a fixed window of <see cref="RateLimitingOptions.CustomerPermitsPerMinute"/>
/// per API key, or per user for the browser session. Over the limit: 429 problem+json <c>rate_limited</c> with
/// Retry-After: the seconds until that caller's window reopens. The metering API (a trusted gateway at high rates), pages and static files are not limited.
/// </summary>
public static class CustomerRateLimiting
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static WebApplicationBuilder AddCustomerRateLimiting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitingOptions>().BindConfiguration("RateLimiting")
            .Validate(o => o.CustomerPermitsPerMinute > 0, "RateLimiting:CustomerPermitsPerMinute must be a positive number.")
            .ValidateOnStart();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitingOptions>>((o, settings) =>
        {
            var permits = settings.Value.CustomerPermitsPerMinute;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                PartitionKey(context) is { } key
                    ? RateLimitPartition.Get(key, _ => new ReopeningFixedWindowLimiter(new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = permits,
                        Window = Window,
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }))
                    : RateLimitPartition.GetNoLimiter(""));
            o.OnRejected = (rejected, ct) =>
            {
                // The limiter says when this caller's window reopens (ReopeningFixedWindowLimiter), not a whole window.
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : Window;
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return new ValueTask(Problems.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "rate_limited",
                    $"Too many requests: at most {permits} a minute. Retry after {seconds} s."));
            };
        });
        return builder;
    }

    /// <summary>After authentication and authorization, so the caller is known and refused requests cost nothing.</summary>
    public static WebApplication UseCustomerRateLimiting(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }

    /// <summary>The caller's bucket on a customer API, or null when the request is not limited.</summary>
    public static string? PartitionKey(HttpContext context)
    {
        if (!IsCustomerApi(context.GetEndpoint()))
            return null;
        var user = context.User;
        if (user.FindFirst(BillingClaims.ApiKeyId)?.Value is { } keyId)
            return "key:" + keyId;
        if (user.GetUserId() is { } userId)
            return "user:" + userId.ToString(CultureInfo.InvariantCulture);
        return "ip:" + context.Connection.RemoteIpAddress;
    }

    public static bool IsCustomerApi(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<ApiEndpointMetadata>() is not null
        && endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => AccountPermissions.IsCustomerPolicy(a.Policy));
}
