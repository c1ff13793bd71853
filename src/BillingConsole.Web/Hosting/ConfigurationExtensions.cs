using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class ConfigurationExtensions
{
    /// <summary>The development configuration lives once, at the repository root (copied next to the app by the build).
    /// It is loaded in Development right after appsettings.json, so environment variables still override it.</summary>
    public static WebApplicationBuilder AddRootDevelopmentSettings(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
            return builder;
        var path = Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json");
        var sources = builder.Configuration.Sources;
        var appSettingsIndex = sources.Select((s, i) => (s, i))
            .Where(x => x.s is JsonConfigurationSource { Path: "appsettings.json" })
            .Select(x => x.i).DefaultIfEmpty(-1).First();
        var source = new JsonConfigurationSource { Path = path, Optional = true, ReloadOnChange = false };
        source.ResolveFileProvider();
        sources.Insert(appSettingsIndex + 1, source);
        return builder;
    }

    /// <summary>Runs every start-up validation (<c>ValidateOnStart</c>: sign-in, payments, rate limits) now, before the
    /// database is touched, so a misconfigured start fails at once with a message naming the missing settings.
    /// The host would run the same checks when it starts; this only moves them ahead of the database preparation.</summary>
    public static WebApplication ValidateSettingsNow(this WebApplication app)
    {
        app.Services.GetService<IStartupValidator>()?.Validate();
        return app;
    }
}
