namespace BillingConsole.Web.Auth;

/// <summary><c>Admin:Tokens</c>: the provisioning API's service credentials, each a name (recorded as the actor of what
/// it does) and the SHA-256 of the token in hex, so the configuration never holds a usable secret.</summary>
public sealed class AdminTokenOptions
{
    public const string Section = "Admin";
    public const string InvalidMessage = "Every Admin:Tokens entry needs a Name and a Sha256 of 64 hex digits (the SHA-256 of the token).";

    public List<AdminTokenEntry> Tokens { get; set; } = [];
}

public sealed class AdminTokenEntry
{
    public string? Name { get; set; }
    /// <summary>Hex SHA-256 of the UTF-8 token, e.g. <c>printf %s "$TOKEN" | sha256sum</c>.</summary>
    public string? Sha256 { get; set; }

    public bool IsValid => !string.IsNullOrWhiteSpace(Name) && Sha256 is { Length: 64 } hex && hex.All(Uri.IsHexDigit);
}
