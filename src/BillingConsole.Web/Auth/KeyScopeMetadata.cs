namespace BillingConsole.Web.Auth;

/// <summary>The scope an API key needs to call the endpoint (<c>ApiKeyScopes</c>); sessions are not limited by it.</summary>
public sealed record KeyScopeMetadata(string Scope);
