using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Metering;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Hosting;
using BillingConsole.Web.Workers;

namespace Microsoft.Extensions.DependencyInjection;

public static class AccountingExtensions
{
    /// <summary>The ledger engine, its read side, the invariant checker and their background workers.</summary>
    public static WebApplicationBuilder AddAccounting(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LedgerWriter>();
        builder.Services.AddOptions<GroupCommitOptions>().BindConfiguration("Ledger:GroupCommit")
            .Validate(o => o.Check() is null, "Ledger:GroupCommit: MaxBatch 1..1000, MaxWaitMs 0..1000, MaxInFlight 0..256.").ValidateOnStart();
        builder.Services.AddSingleton<LedgerQueries>();
        builder.Services.AddSingleton<AccountSettings>();
        builder.Services.AddSingleton<InvariantChecker>();
        builder.Services.AddSingleton<UserDirectory>();
        builder.Services.AddSingleton<ApiKeyService>();
        builder.Services.AddSingleton<BillingConsole.Accounting.Teams.TeamService>();
        builder.Services.AddSingleton<BillingConsole.Accounting.Teams.SelfServeSignUp>();
        builder.Services.AddOptions<BillingConsole.Accounting.Teams.AccountsOptions>().BindConfiguration("Accounts")
            .Validate(o => o.Check() is null, "Accounts:SignupBonus must be a positive USD amount with at most 9 decimals.").ValidateOnStart();
        builder.Services.AddSingleton<PriceCatalog>();
        builder.Services.AddSingleton<MeteringService>();
        builder.Services.AddSingleton<BillingConsole.Accounting.Budgets.BudgetService>();
        // The admin console's services (billing_admin pages only).
        builder.Services.AddSingleton<AdminAuditLog>();
        builder.Services.AddSingleton<AccountSearch>();
        builder.Services.AddSingleton<AdminAdjustments>();
        builder.Services.AddSingleton<AdminAccountLimits>();
        builder.Services.AddSingleton<AdminAccounts>();
        builder.Services.AddSingleton<AdminHolds>();
        builder.Services.AddSingleton<LedgerHealth>();
        builder.Services.AddSingleton<AdminPayments>();
        builder.Services.AddOptions<DemoOptions>().BindConfiguration("Demo");
        builder.Services.AddOptions<WorkerOptions>().BindConfiguration("Workers");
        builder.Services.AddPeriodicWorker<HoldExpiryWorker>();
        builder.Services.AddPeriodicWorker<InvariantCheckWorker>();
        return builder;
    }
}
