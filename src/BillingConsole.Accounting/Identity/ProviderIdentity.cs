namespace BillingConsole.Accounting.Identity;

/// <summary>Who the identity provider says someone is, from a validated ID token.</summary>
/// <param name="Issuer">The provider (<c>iss</c>).</param>
/// <param name="Subject">The provider's stable id for the person (<c>sub</c>), unique per issuer.</param>
/// <param name="Email">The address the provider reports; trusted for linking only when <paramref name="EmailVerified"/>.</param>
/// <param name="EmailVerified">The provider says the person proved they own <paramref name="Email"/>.</param>
/// <param name="DisplayName">The provider's name for the person, used only for a new user.</param>
public sealed record ProviderIdentity(string Issuer, string Subject, string Email, bool EmailVerified, string? DisplayName);
