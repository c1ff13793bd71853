namespace BillingConsole.Web.Configuration;

/// <summary>One configuration key the console reads. <c>{n}</c> in <see cref="Key"/> stands for a list index
/// (<c>Metering:Tokens:0</c>, environment variable <c>Metering__Tokens__0</c>).</summary>
public sealed record SettingKey(string Key, string Default, bool Secret);
