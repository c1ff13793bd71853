using BillingConsole.Web.Auth;

namespace BillingConsole.Web.Diagnostics;

/// <summary>Puts the caller's account id and the reservation a metering call names into a logging scope, so every line
/// the request logs (ledger, handlers, errors) can be filtered by them. Ids only: never a key, token or header.</summary>
public sealed class RequestLogScope(RequestDelegate next, ILogger<RequestLogScope> log)
{
    private const string ReservationsPath = "/v1/meter/reservations";

    public async Task InvokeAsync(HttpContext context)
    {
        var values = new Dictionary<string, object>(2);
        if (context.User.FindFirst(BillingClaims.AccountId)?.Value is { } account)
            values["AccountId"] = account;
        if (context.Request.Path.StartsWithSegments(ReservationsPath) && context.GetRouteValue("id") is string reservation)
            values["ReservationId"] = reservation;
        if (values.Count == 0)
        {
            await next(context);
            return;
        }
        using (log.BeginScope(values))
            await next(context);
    }
}
