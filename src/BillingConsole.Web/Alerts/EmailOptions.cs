namespace BillingConsole.Web.Alerts;

/// <summary><c>Email:*</c>: the SMTP server alert emails go through. Without <see cref="SmtpHost"/> no email is
/// sent: each email attempt fails with that reason (visible among the deliveries) and is retried.</summary>
public sealed class EmailOptions
{
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    public string? SmtpUser { get; set; }
    public string? SmtpPassword { get; set; }
    public string From { get; set; } = "BillingConsole <alerts@localhost>";
    /// <summary>TLS (implicit on port 465, else STARTTLS); off only for a loopback relay or a test server.</summary>
    public bool UseTls { get; set; } = true;
}
