using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Accounting.Payments;

/// <summary>What the billing page and the API show about auto-recharge: the settings, the saved card, the latest attempt
/// and what auto-recharge credited this month (from the ledger) against the cap.</summary>
public sealed record AutoRechargeStatus(AutoRechargeSettings Settings, Money RechargedThisMonth, Money MinAmount, Money MaxAmount,
    bool CardRequired)
{
    /// <summary>Auto-recharge turned itself off after <see cref="PaymentAccounts.MaxConsecutiveFailures"/> failures in a row.</summary>
    public bool TurnedOffByFailures => !Settings.Enabled && Settings.ConsecutiveFailures >= PaymentAccounts.MaxConsecutiveFailures;
}

/// <summary>
/// The customer's auto-recharge controls: settings within the configured amount bounds, and the saved card (saved by the
/// provider's hosted page, removable). The worker's side is <see cref="PaymentsService.RunAutoRechargeAsync"/>.
/// </summary>
public sealed class AutoRechargeControls(PaymentAccounts accounts, CreditPackages packages, IPaymentGateway gateway)
{
    public bool CardRequired => !gateway.GrantsInstantly;

    public async Task<AutoRechargeStatus?> GetAsync(long accountId, CancellationToken ct = default) =>
        await accounts.GetAutoRechargeAsync(accountId, ct) is { } settings
            ? new AutoRechargeStatus(settings, await accounts.RechargedThisMonthAsync(accountId, ct), packages.CustomMin, packages.CustomMax, CardRequired)
            : null;

    /// <summary>Null when stored, else why not (nothing changed). The amount is whole cents within the custom-amount
    /// bounds; turning it on needs a saved card when a provider charges it (development mode grants without one).</summary>
    public async Task<string?> SetAsync(long accountId, AutoRechargeChange change, CancellationToken ct = default)
    {
        if (change.Amount.Units % Money.FromCents(1).Units != 0 || change.Amount < packages.CustomMin || change.Amount > packages.CustomMax)
            return $"The recharge amount is whole cents from {packages.CustomMin} to {packages.CustomMax}.";
        return await accounts.SetAutoRechargeAsync(accountId, change, ct, requireCard: CardRequired);
    }

    /// <summary>Starts the provider's hosted "save a card" page. <paramref name="requestId"/> is created with the page's
    /// button, so a double click opens one session.</summary>
    public async Task<PurchaseOutcome> StartCardSetupAsync(Guid requestId, long accountId, string consoleBaseUrl, CancellationToken ct = default)
    {
        if (await accounts.GetCustomerAsync(accountId, ct) is not { } account)
            return PurchaseOutcome.Failed("The billing account no longer exists.");
        var baseUrl = consoleBaseUrl.EndsWith('/') ? consoleBaseUrl : consoleBaseUrl + "/";
        var started = await gateway.StartCardSetupAsync(new CardSetupStart(requestId, accountId, account.Name, account.Email, account.CustomerId,
            baseUrl + "billing?card=saved", baseUrl + "billing?card=cancelled"), ct);
        if (started.Value is not { } session)
            return PurchaseOutcome.Failed(started.Failure!.Message);
        if (account.CustomerId is null && session.CustomerId is not null)
            await accounts.SetCustomerIfEmptyAsync(accountId, session.CustomerId, ct);
        return new PurchaseOutcome(PurchaseOutcomeKind.Redirect, $"Continue to {gateway.Provider.Name} to save a card.", session.SessionId, session.Url);
    }

    /// <summary>Forgets the saved card (auto-recharge goes off with it) and asks the provider to detach it.</summary>
    public async Task<PaymentCommandResult> RemoveCardAsync(long accountId, CancellationToken ct = default)
    {
        if (await accounts.RemoveCardAsync(accountId, ct) is not { } removed)
            return new(false, "There is no saved card to remove.");
        // The console no longer charges it either way; detaching also stops anyone else using it with this customer.
        var failure = await gateway.ForgetCardAsync(removed, ct);
        return new(true, failure is null ? "The card was removed and auto-recharge is off." : $"The card was removed here and auto-recharge is off; {failure.Message}");
    }
}
