using System.Security.Cryptography;
using System.Text;
using BillingConsole.Web.Hosting;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Auth;

/// <summary>The provisioning API's admin tokens (<c>Admin:Tokens</c>, stored as SHA-256 hashes, plus
/// <c>Demo:AdminToken</c> in development). A presented token is hashed and compared with every known hash in constant
/// time, so neither length, prefix nor which entry matched leaks through timing.</summary>
public sealed class AdminTokens(IOptions<AdminTokenOptions> admin, IOptions<DemoOptions> demo)
{
    private readonly (string Name, byte[] Hash)[] _tokens = admin.Value.Tokens.Where(t => t.IsValid)
        .Select(t => (t.Name!.Trim(), Convert.FromHexString(t.Sha256!)))
        .Concat(string.IsNullOrWhiteSpace(demo.Value.AdminToken) ? [] : [("demo", SHA256.HashData(Encoding.UTF8.GetBytes(demo.Value.AdminToken)))])
        .ToArray();

    /// <summary>The matching token's name, or null.</summary>
    public string? Match(string presented)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        string? name = null;
        foreach (var (tokenName, known) in _tokens)
            if (CryptographicOperations.FixedTimeEquals(hash, known))
                name = tokenName;
        return name;
    }
}
