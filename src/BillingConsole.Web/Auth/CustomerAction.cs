namespace BillingConsole.Web.Auth;

/// <summary>What a member of an account may ask the console to do; <see cref="AccountPermissions"/> says which role may.</summary>
public enum CustomerAction
{
    /// <summary>Read the account: balance, transactions, usage figures, invoices, the key list, the team.</summary>
    ReadAccount,
    /// <summary>The audit trail of metered calls, one record each (key, model, status, client IP, user agent).</summary>
    ReadRequests,
    /// <summary>Create API keys, change their limits, revoke them.</summary>
    ManageKeys,
    /// <summary>Buy credits (Stripe Checkout) and see how a purchase went.</summary>
    BuyCredits,
    /// <summary>The account's payment and billing settings (the low-balance alert level).</summary>
    ManagePaymentSettings,
    /// <summary>Members and invitations.</summary>
    ManageTeam,
    /// <summary>Alert rules, webhook endpoints and their deliveries (reading the alert list is <see cref="ReadAccount"/>).</summary>
    ManageAlerts,
}
