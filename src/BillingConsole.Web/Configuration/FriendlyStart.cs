using System.Reflection;
using BillingConsole.Web.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class FriendlyStart
{
    /// <summary><c>--check-config</c> prints the report and gives its exit code; otherwise a start that lacks required
    /// settings stops here, naming every missing key at once (before anything else reads the configuration).</summary>
    public static int? CheckConfiguration(this WebApplicationBuilder builder, string[] args)
    {
        if (args.Contains("--check-config"))
            return ConfigurationReport.Write(builder.Configuration, builder.Environment, Console.Out);
        var missing = RequiredSettings.Missing(builder.Configuration, builder.Environment);
        // `migrate` needs only the database: a DBA's one-off run does not carry the web app's secrets.
        if (args.Contains("migrate"))
            missing = [.. missing.Where(k => k == ConfigurationCatalog.ConnectionStringKey)];
        if (missing.Count > 0)
            throw new StartupConfigurationException(RequiredSettings.Message(missing, builder.Environment));
        return null;
    }

    /// <summary>Runs the program; a configuration that cannot start it ends with one line on stderr and exit code 1
    /// instead of a stack trace. Only when this app is the process: hosted in a test it throws as before.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> program)
    {
        try
        {
            return await program();
        }
        catch (Exception e) when (IsConfiguration(e) && Assembly.GetEntryAssembly() == typeof(FriendlyStart).Assembly)
        {
            await Console.Error.WriteLineAsync(e is OptionsValidationException o
                ? $"BillingConsole cannot start: {string.Join(" ", o.Failures)}"
                : e.Message.ReplaceLineEndings(" "));
            return 1;
        }
    }

    private static bool IsConfiguration(Exception e) => e is StartupConfigurationException or OptionsValidationException;
}
