using System.Security.Cryptography;
using System.Text;

namespace BillingConsole.Web.Tests.Alerts;

/// <summary>An independent Standard Webhooks verifier (the spec's few lines, not the package the console signs with):
/// the key is the base64 after <c>whsec_</c>; the signature is base64(HMAC-SHA256(key, "id.timestamp.body")),
/// sent as <c>v1,&lt;signature&gt;</c> among space-separated signatures.</summary>
public static class StandardWebhookCheck
{
    public static bool IsValid(string secret, string? id, string? timestamp, string body, string? signatureHeader)
    {
        if (id is null || timestamp is null || signatureHeader is null || !secret.StartsWith("whsec_", StringComparison.Ordinal))
            return false;
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        return signatureHeader.Split(' ').Any(s => s.StartsWith("v1,", StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s[3..]), Encoding.ASCII.GetBytes(expected)));
    }
}
