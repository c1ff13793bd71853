using BillingConsole.Accounting.Payments;

namespace BillingConsole.Accounting.Tests;

/// <summary>The provider the engine tests write as: the same key the web's Stripe adapter uses, so keys read as they do in production.</summary>
public static class TestProvider
{
    public static readonly PaymentProvider Stripe = new("stripe", "Stripe");
}
