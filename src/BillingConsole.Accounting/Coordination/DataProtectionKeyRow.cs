namespace BillingConsole.Accounting.Coordination;

/// <summary>A Data Protection key ring element (<c>data_protection_keys</c>). The engine only owns the table (so its
/// migrations create it on every provider); the console reads and writes it through ASP.NET Core's
/// EntityFrameworkCore key repository, whose <c>DataProtectionKey</c> has exactly these columns.</summary>
public sealed class DataProtectionKeyRow
{
    public const string Table = "data_protection_keys";

    public int Id { get; set; }

    public string? FriendlyName { get; set; }

    public string? Xml { get; set; }
}
