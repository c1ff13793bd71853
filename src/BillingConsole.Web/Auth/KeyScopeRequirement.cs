using Microsoft.AspNetCore.Authorization;

namespace BillingConsole.Web.Auth;

/// <summary>Part of the customer policy: an API key must hold the scope of the endpoint it calls.</summary>
public sealed class KeyScopeRequirement : IAuthorizationRequirement;
