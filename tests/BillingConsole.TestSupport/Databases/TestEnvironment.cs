namespace BillingConsole.TestSupport;

public static class TestEnvironment
{
    /// <summary>CI sets CI=true; there, tests for servers CI provides must run rather than skip.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
