namespace BillingConsole.Web.Hosting;

/// <summary>Endpoint metadata: the page's inline scripts carry the nonce that the endpoint stored in
/// <c>HttpContext.Items[ItemKey]</c>, and <see cref="SecurityHeaders"/> allows exactly that nonce on that response.</summary>
public sealed record CspScriptNonce(string ItemKey);
