using System.Security.Cryptography;
using System.Text;
using BillingConsole.Web.Hosting;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Auth;

/// <summary>The metering tokens of trusted gateways (<c>Metering:Tokens</c>, plus <c>Demo:MeteringToken</c> in
/// development). Compared as SHA-256 hashes in constant time, so neither length nor prefix leaks through timing.</summary>
public sealed class ServiceTokens(IOptions<MeteringOptions> metering, IOptions<DemoOptions> demo)
{
    private readonly byte[][] _hashes = metering.Value.Tokens.Append(demo.Value.MeteringToken)
        .Where(t => !string.IsNullOrWhiteSpace(t))
        .Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t!)))
        .ToArray();

    public bool IsMeteringToken(string presented)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var match = false;
        foreach (var known in _hashes)
            match |= CryptographicOperations.FixedTimeEquals(hash, known);
        return match;
    }
}
