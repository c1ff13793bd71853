namespace BillingConsole.Accounting.Payments;

/// <summary>A card saved with the payment provider for off-session charges. <see cref="Id"/> is the provider's opaque
/// reference (the provider's id of the card); people recognise the card by <see cref="Brand"/> and <see cref="Last4"/>.</summary>
public sealed record SavedCard(string Id, string Brand, string Last4)
{
    /// <summary>"Visa •••• 4242".</summary>
    public string Display => $"{BrandName(Brand)} •••• {Last4}";

    public static string BrandName(string brand) => brand switch
    {
        "visa" => "Visa",
        "mastercard" => "Mastercard",
        "amex" => "American Express",
        "discover" => "Discover",
        "jcb" => "JCB",
        "diners" => "Diners Club",
        "unionpay" => "UnionPay",
        "" => "Card",
        _ => char.ToUpperInvariant(brand[0]) + brand[1..],
    };
}
