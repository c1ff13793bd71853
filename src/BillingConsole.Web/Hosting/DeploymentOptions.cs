namespace BillingConsole.Web.Hosting;

/// <summary>What every instance of one deployment shares (<c>Deployment</c> section).</summary>
public sealed class DeploymentOptions
{
    /// <summary>The Data Protection application name: instances protect and unprotect cookies, antiforgery tokens and
    /// circuit state for each other only when it is the same, so it is fixed rather than derived from the content path.</summary>
    public string ApplicationName { get; set; } = "BillingConsole";
}
