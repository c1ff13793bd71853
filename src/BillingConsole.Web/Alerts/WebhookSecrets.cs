using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace BillingConsole.Web.Alerts;

/// <summary>Webhook signing secrets: made here (<c>whsec_</c> + 24 random bytes, base64, as Standard Webhooks
/// writes them), stored only encrypted with ASP.NET Core Data Protection, and read back only to sign. Never logged.</summary>
public sealed class WebhookSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("BillingConsole.Alerts.WebhookSecrets.v1");

    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string stored) => _protector.Unprotect(stored);
}
