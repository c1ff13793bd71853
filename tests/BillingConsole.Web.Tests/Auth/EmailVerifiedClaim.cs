namespace BillingConsole.Web.Tests.Auth;

/// <summary>What the test provider's ID token says in <c>email_verified</c>.</summary>
public enum EmailVerifiedClaim
{
    /// <summary>The JSON boolean <c>true</c>.</summary>
    True,
    /// <summary>The JSON boolean <c>false</c>.</summary>
    False,
    /// <summary>The string <c>"true"</c>, as some providers send it.</summary>
    TrueAsString,
    /// <summary>No <c>email_verified</c> claim at all.</summary>
    Missing,
}
