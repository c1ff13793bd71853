namespace BillingConsole.Web.Payments;

/// <summary>Stripe's decline and error codes in words a customer understands (the page and the admin view show them).</summary>
public static class DeclineReasons
{
    public static string Describe(string? code, string? stripeMessage) => code switch
    {
        "insufficient_funds" => "The card was declined: not enough funds.",
        "authentication_required" => "The bank wants you to confirm this payment, which can't be done while you're away. Save the card again to confirm it.",
        "expired_card" => "The card has expired. Save a new card.",
        "incorrect_cvc" or "invalid_cvc" => "The card was declined: the security code was wrong.",
        "card_velocity_exceeded" or "withdrawal_count_limit_exceeded" => "The card was declined: its spending limit was reached.",
        "lost_card" or "stolen_card" or "pickup_card" or "restricted_card" => "The card was declined by the bank. Use another card.",
        "processing_error" => "The card could not be processed. It will be tried again.",
        "do_not_honor" or "generic_decline" or "card_declined" or "call_issuer" => "The card was declined by the bank. Contact your bank or use another card.",
        _ => stripeMessage is { Length: > 0 } message ? $"The card was declined: {message}" : "The card was declined.",
    };
}
