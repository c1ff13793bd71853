using System.Globalization;
using System.Text.Json;
using BillingConsole.Web.Api;
using BillingConsole.Web.Hosting;
using MudBlazor.Services;

namespace Microsoft.Extensions.DependencyInjection;

public static class UiExtensions
{
    public static WebApplicationBuilder AddConsoleUi(this WebApplicationBuilder builder)
    {
        // Money and dates are formatted explicitly, but components and MudBlazor fall back to the current culture;
        // pin it so a server with LANG=C.UTF-8 does not print "¤".
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.GetCultureInfo("en-US");
        // Prerendered pages hand their state to the circuit in its first message; SignalR's default 32 KB limit is
        // too small for a page of 50 transactions or a month of usage rows, and the circuit would die on open.
        builder.Services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(o => o.MaximumReceiveMessageSize = 512 * 1024);
        builder.Services.TrimInteropMetadata();
        builder.Services.AddMudServices();
        // Development's static-asset fallback ({**path:file}, for files added while running) is a catch-all GET route:
        // the router then answers every unknown POST or DELETE path with 405 "Allow: GET, HEAD" instead of 404.
        builder.Configuration["DisableStaticAssetNotFoundRuntimeFallback"] = "true";
        // Problems the framework writes itself (exception handler, status pages) carry a stable code too.
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions.TryAdd("code", Problems.CodeFor(c.HttpContext, c.ProblemDetails.Status ?? c.HttpContext.Response.StatusCode)));
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        return builder;
    }

    public static WebApplication UseConsolePipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler(new ExceptionHandlerOptions { CreateScopeForErrors = true });
            app.UseHsts();
        }
        app.UseApiErrorResponses();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        return app;
    }
}
