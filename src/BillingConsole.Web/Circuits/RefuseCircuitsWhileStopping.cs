namespace BillingConsole.Web.Circuits;

/// <summary>While the instance stops, answers a new circuit connection (<c>/_blazor/negotiate</c>) with 503 and closes
/// the TCP connection: a browser resuming a circuit paused here retries, and its next connection reaches another
/// instance. Circuits already connected keep their connections until they pause.</summary>
public sealed class RefuseCircuitsWhileStopping(LiveCircuits live) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (live.Stopping && context.Request.Path.StartsWithSegments("/_blazor/negotiate", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.Connection = "close";
                return;
            }
            await nextMiddleware(context);
        });
        next(app);
    };
}
