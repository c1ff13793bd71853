namespace BillingConsole.Web.Auth;

/// <summary><c>Auth:Revalidation</c>: how often an open Blazor circuit re-reads its user and role.</summary>
public sealed class SessionRevalidationOptions
{
    public const string Section = "Auth:Revalidation";
    public const string InvalidMessage = "Auth:Revalidation:Interval must be above zero and at most 00:00:30.";

    /// <summary>Changes (a lowered role, a removed membership, a deleted user) reach an open page within this.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(30);

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);
}
