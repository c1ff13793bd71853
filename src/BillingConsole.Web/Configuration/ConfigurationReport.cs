using System.Data.Common;

namespace BillingConsole.Web.Configuration;

/// <summary><c>--check-config</c>: every known key with its value, <c>(not set)</c> or its default, secrets masked, then
/// what is missing for this environment.</summary>
public static class ConfigurationReport
{
    public static int Write(IConfiguration configuration, IHostEnvironment environment, TextWriter output)
    {
        output.WriteLine($"BillingConsole configuration ({environment.EnvironmentName})");
        var keys = ConfigurationCatalog.Keys;
        var listsDone = new HashSet<string>();
        foreach (var setting in keys)
        {
            var listAt = setting.Key.IndexOf(":{n}", StringComparison.Ordinal);
            if (listAt < 0)
            {
                output.WriteLine(Line(setting.Key, configuration[setting.Key], setting));
                continue;
            }
            // A list: each configured item with all its fields together, or the list's keys once as not set.
            var listKey = setting.Key[..listAt];
            if (!listsDone.Add(listKey))
                continue;
            var fields = keys.Where(k => k.Key.StartsWith(listKey + ":{n}", StringComparison.Ordinal)).ToList();
            var items = configuration.GetSection(listKey).GetChildren().ToList();
            if (items.Count == 0)
                foreach (var field in fields)
                    output.WriteLine(Line(field.Key, null, field));
            foreach (var item in items)
                foreach (var field in fields)
                {
                    var key = item.Path + field.Key[(listAt + 4)..];
                    output.WriteLine(Line(key, configuration[key], field));
                }
        }
        var missing = RequiredSettings.Missing(configuration, environment);
        output.WriteLine(missing.Count == 0 ? "Complete: every required setting is there." : RequiredSettings.Message(missing, environment));
        return missing.Count == 0 ? 0 : 1;
    }

    private static string Line(string key, string? value, SettingKey setting) =>
        $"{key} = " + (string.IsNullOrEmpty(value)
            ? (setting.Default == "(none)" ? "(not set)" : $"(not set; default {setting.Default})")
            : setting.Secret ? Mask(key, value) : value);

    /// <summary><c>sk_live_51H...</c> → <c>sk_l…(masked)</c>: enough to tell which key it is, never enough to use it. A
    /// connection string keeps its server and database and loses its password.</summary>
    public static string Mask(string key, string value)
    {
        if (key == ConfigurationCatalog.ConnectionStringKey)
        {
            try
            {
                var builder = new DbConnectionStringBuilder { ConnectionString = value };
                foreach (var secret in builder.Keys.Cast<string>().Where(k => k.Contains("password", StringComparison.OrdinalIgnoreCase) || k.Equals("pwd", StringComparison.OrdinalIgnoreCase)).ToList())
                    builder[secret] = "(masked)";
                return builder.ConnectionString;
            }
            catch (ArgumentException)
            {
                return "(masked)";
            }
        }
        return value.Length < 12 ? "(masked)" : value[..4] + "…(masked)";
    }
}
