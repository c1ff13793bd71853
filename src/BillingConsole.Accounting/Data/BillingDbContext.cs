using BillingConsole.Accounting.Budgets;
using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Metering;
using BillingConsole.Accounting.Payments;
using BillingConsole.Accounting.Usage;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BillingConsole.Accounting.Data;

/// <summary>The one model for all three providers. Names are snake_case on every provider so the hand-written
/// hot-path SQL (<see cref="ILedgerDialect"/>) and the migrations agree without quoting.</summary>
public sealed class BillingDbContext(DbContextOptions<BillingDbContext> options) : DbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<LedgerEntry> LedgerEntries => Set<LedgerEntry>();
    public DbSet<Reservation> Reservations => Set<Reservation>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<User> Users => Set<User>();
    public DbSet<AccountMember> AccountMembers => Set<AccountMember>();
    public DbSet<Teams.AccountInvitation> AccountInvitations => Set<Teams.AccountInvitation>();
    public DbSet<CatalogModel> CatalogModels => Set<CatalogModel>();
    public DbSet<ModelPrice> ModelPrices => Set<ModelPrice>();
    public DbSet<RequestRecord> RequestRecords => Set<RequestRecord>();
    public DbSet<UsageRollup> UsageRollups => Set<UsageRollup>();
    public DbSet<LedgerDayTotal> LedgerDayTotals => Set<LedgerDayTotal>();
    public DbSet<InvariantRun> InvariantRuns => Set<InvariantRun>();
    public DbSet<InvariantViolation> InvariantViolations => Set<InvariantViolation>();
    public DbSet<InvariantCheckpoint> InvariantCheckpoints => Set<InvariantCheckpoint>();
    public DbSet<PaymentEvent> PaymentEvents => Set<PaymentEvent>();
    public DbSet<Admin.AdminAuditEntry> AdminAuditLog => Set<Admin.AdminAuditEntry>();
    public DbSet<Alerts.AlertRule> AlertRules => Set<Alerts.AlertRule>();
    public DbSet<Alerts.AlertEvent> AlertEvents => Set<Alerts.AlertEvent>();
    public DbSet<Alerts.WebhookEndpoint> WebhookEndpoints => Set<Alerts.WebhookEndpoint>();
    public DbSet<Alerts.OutboxMessage> OutboxMessages => Set<Alerts.OutboxMessage>();
    public DbSet<Alerts.DeliveryAttempt> DeliveryAttempts => Set<Alerts.DeliveryAttempt>();
    public DbSet<Coordination.WorkerLease> WorkerLeases => Set<Coordination.WorkerLease>();
    public DbSet<Coordination.DataProtectionKeyRow> DataProtectionKeys => Set<Coordination.DataProtectionKeyRow>();
    public DbSet<Coordination.CacheEntry> CacheEntries => Set<Coordination.CacheEntry>();
    public DbSet<Budget> Budgets => Set<Budget>();
    public DbSet<ReservationBudget> ReservationBudgets => Set<ReservationBudget>();

    private const string SqlServerProvider = "Microsoft.EntityFrameworkCore.SqlServer";

    /// <summary>Takes the account's row lock for the rest of the current transaction (SQLite: the writer lock, taken by
    /// its first write) with a no-op UPDATE, so changes to what the account owns queue per account and read what they
    /// replace under the lock. False when there is no such account.</summary>
    public async Task<bool> LockAccountAsync(long accountId, CancellationToken ct) =>
        await Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, a => a.Status), ct) == 1;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BillingDbContext).Assembly);
        // Only keyed entries belong in the idempotency index, and most entries (every settlement) have no key. SQL
        // Server's convention already leaves NULL keys out (its filter text is kept as it is); SQLite and PostgreSQL
        // index them unless told, which cost every unkeyed entry one more index write.
        if (Database.ProviderName != SqlServerProvider)
            modelBuilder.Entity<LedgerEntry>().HasIndex(e => new { e.AccountId, e.IdempotencyKey }).HasFilter("idempotency_key IS NOT NULL");
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // Every timestamp is UTC; SQLite hands them back unspecified, so mark them on the way out.
        builder.Properties<DateTime>().HaveConversion<UtcConverter>();
        builder.Properties<DateTime?>().HaveConversion<UtcConverter>();
    }

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
