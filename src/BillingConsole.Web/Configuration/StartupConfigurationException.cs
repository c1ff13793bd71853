namespace BillingConsole.Web.Configuration;

/// <summary>The configuration cannot start the console; the message is the one line an operator reads.</summary>
public sealed class StartupConfigurationException(string message) : Exception(message);
