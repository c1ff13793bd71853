using System.Linq.Expressions;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Admin;

/// <summary>
/// An account's lifecycle: create (with an optional opening grant), suspend, reinstate, close. Each status change is
/// one guarded UPDATE (the row count decides, as on the ledger's write path) saved with its audit row in one
/// transaction. The ledger's own guards read the status in the statement that moves the balance, so a reservation and
/// a suspension or closing that race are serialized by the account row lock: one of them sees the other.
/// </summary>
public sealed class AdminAccounts(IDbContextFactory<BillingDbContext> dbFactory, LedgerWriter writer, AdminAuditLog audit, TimeProvider clock)
{
    public const int MaxPage = 200;

    /// <summary>The opening grant's ledger key, unique per account: however often a creation is retried, it grants once.</summary>
    public const string OpeningGrantKey = "opening-grant";

    public async Task<LedgerResult<CreatedAccount>> CreateAsync(NewAccountRequest r, AdminActor actor, CancellationToken ct = default)
    {
        if (r.Check() is { } invalid)
            return LedgerResult<CreatedAccount>.Fail(LedgerError.InvalidRequest, invalid);
        var fingerprint = r.Fingerprint();
        var (id, replayed) = await FindByKeyAsync(r.Key, ct) is { } existing ? (existing, true) : await InsertAsync(r, fingerprint, actor, ct);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var stored = await db.Accounts.AsNoTracking().Where(a => a.Id == id).Select(a => a.ProvisioningFingerprint).SingleAsync(ct);
            if (stored != fingerprint)
                return LedgerResult<CreatedAccount>.Fail(LedgerError.IdempotencyConflict,
                    $"Idempotency key '{r.Key}' already created account {id} with other details.");
        }
        // Posted after the account exists, also on a retry: a crash between the two leaves an account that the retry
        // completes, and the per-account key makes the grant land once.
        if (r.OpeningGrant is { } grant)
        {
            var reason = r.OpeningGrantReason!.Trim();
            var posted = await writer.PostAsync(new PostRequest(id, EntryTypes.ContractGrant, grant, reason, actor.Origin, IdempotencyKey: OpeningGrantKey),
                entry => audit.Entry(actor, new AdminAuditRecord(AdminActions.Grant, id, $"entry:{entry.EntryId}", reason,
                    (entry.BalanceAfter - entry.Amount).Format(), entry.BalanceAfter.Format(), entry.EntryId)), ct);
            if (posted.Failure is { } failure)
                return failure;
        }
        return LedgerResult<CreatedAccount>.Ok(new CreatedAccount((await GetAsync(id, ct))!, replayed));
    }

    private async Task<long?> FindByKeyAsync(string key, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Accounts.AsNoTracking().Where(a => a.ProvisioningKey == key).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct);
    }

    private async Task<(long Id, bool Replayed)> InsertAsync(NewAccountRequest r, string fingerprint, AdminActor actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var account = new Account
            {
                Name = r.Name!.Trim(), Email = r.Email!.Trim(), OverdraftFloor = r.OverdraftFloor.Units, CreatedAt = now,
                Status = AccountStatus.Active, StatusChangedAt = now, ProvisioningKey = r.Key, ProvisioningFingerprint = fingerprint,
            };
            db.Accounts.Add(account);
            await db.SaveChangesAsync(ct);
            db.Add(audit.Entry(actor, new AdminAuditRecord(AdminActions.AccountCreate, account.Id, null,
                r.OpeningGrant is null ? "Account created" : $"Account created with an opening grant of {r.OpeningGrant.Value.Format()}",
                null, $"{account.Name} <{account.Email}>, floor {r.OverdraftFloor.Format()}")));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return (account.Id, false);
        }
        catch (DbUpdateException)
        {
            // A concurrent request with the same key inserted first (the unique index refused this one): its account.
            if (await FindByKeyAsync(r.Key, CancellationToken.None) is { } raced)
                return (raced, true);
            throw;
        }
    }

    /// <summary>Suspends an active account: new reservations are refused; what is in flight or owed still lands.</summary>
    public Task<LedgerResult<AccountStatusView>> SuspendAsync(long accountId, string reason, AdminActor actor, CancellationToken ct = default) =>
        ChangeAsync(accountId, [AccountStatus.Active], AccountStatus.Suspended, AdminActions.AccountSuspend, reason, actor, ct);

    public Task<LedgerResult<AccountStatusView>> ReinstateAsync(long accountId, string reason, AdminActor actor, CancellationToken ct = default) =>
        ChangeAsync(accountId, [AccountStatus.Suspended], AccountStatus.Active, AdminActions.AccountReinstate, reason, actor, ct);

    /// <summary>Closes an account at a zero balance with no open hold and no auto-recharge payment in flight, in one
    /// guarded UPDATE that also turns auto-recharge off: a reservation debits the account row first, so one that races
    /// the closing either lands before it (the balance is no longer zero) or finds the account closed.</summary>
    public Task<LedgerResult<AccountStatusView>> CloseAsync(long accountId, string reason, AdminActor actor, CancellationToken ct = default) =>
        ChangeAsync(accountId, [AccountStatus.Active, AccountStatus.Suspended], AccountStatus.Closed, AdminActions.AccountClose, reason, actor, ct);

    /// <summary>One guarded UPDATE per status the change may start from (its row count decides, and the audit row
    /// states exactly what it changed), saved with the audit row in one transaction.</summary>
    private async Task<LedgerResult<AccountStatusView>> ChangeAsync(long accountId, IReadOnlyList<string> from, string to, string action,
        string reason, AdminActor actor, CancellationToken ct)
    {
        if (AdminAdjustments.CheckReason(reason) is { } bad)
            return LedgerResult<AccountStatusView>.Fail(LedgerError.InvalidRequest, bad);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var before in from)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var target = db.Accounts.Where(a => a.Id == accountId && a.Status == before);
            var closing = to == AccountStatus.Closed;
            if (closing)
                target = target.Where(a => a.Balance == 0 && a.AutoRechargePendingAt == null
                    && !db.Reservations.Any(x => x.AccountId == a.Id && x.Status == ReservationStatus.Open));
            // Closing also turns auto-recharge off in the same guarded UPDATE: the worker claims an attempt only while it
            // is on, so a closed account's card is never charged for credit the ledger would refuse.
            if (await target.ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, to).SetProperty(a => a.StatusChangedAt, now)
                    .SetProperty(a => a.AutoRechargeEnabled, a => !closing && a.AutoRechargeEnabled), ct) != 1)
                continue;
            db.Add(audit.Entry(actor, new AdminAuditRecord(action, accountId, null, reason.Trim(), before, to)));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return LedgerResult<AccountStatusView>.Ok((await GetAsync(accountId, ct))!);
        }
        return await ExplainAsync(accountId, to, ct);
    }

    /// <summary>Why a status change wrote nothing. Asking for the status the account already has is answered with the
    /// account (a retried request changes nothing and adds no audit row).</summary>
    private async Task<LedgerResult<AccountStatusView>> ExplainAsync(long accountId, string to, CancellationToken ct)
    {
        var view = await GetAsync(accountId, ct);
        if (view is null)
            return LedgerResult<AccountStatusView>.Fail(LedgerError.NotFound, "No such account.");
        if (view.Status == to)
            return LedgerResult<AccountStatusView>.Ok(view);
        if (view.Status == AccountStatus.Closed)
            return LedgerResult<AccountStatusView>.Fail(LedgerError.AccountClosed, $"Account {accountId} is closed; closing is final.");
        if (to == AccountStatus.Closed)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var holds = await db.Reservations.CountAsync(x => x.AccountId == accountId && x.Status == ReservationStatus.Open, ct);
            var recharging = await db.Accounts.AnyAsync(a => a.Id == accountId && a.AutoRechargePendingAt != null, ct);
            return LedgerResult<AccountStatusView>.Fail(LedgerError.AccountNotEmpty,
                view.Balance.Units != 0 ? $"Only an account at a zero balance can be closed; the balance is {view.Balance.Format()}."
                : holds > 0 ? $"The account still has {holds} open hold(s); settle or release them first."
                : recharging ? "An auto-recharge payment is in flight; close the account once it has been credited."
                : "The account changed meanwhile; nothing was written. Try again.");
        }
        return LedgerResult<AccountStatusView>.Fail(LedgerError.Contention, "The account changed meanwhile; nothing was written. Try again.");
    }

    public async Task<AccountStatusView?> GetAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(View).FirstOrDefaultAsync(ct);
    }

    /// <summary>Newest first; <paramref name="query"/> matches part of the name or email; <paramref name="before"/> is
    /// the id of the last account already shown (keyset paging).</summary>
    public async Task<IReadOnlyList<AccountStatusView>> ListAsync(string? query, int limit, long? before, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.Accounts.AsNoTracking();
        if (query?.Trim() is { Length: > 0 } text)
        {
            var lower = text.ToLowerInvariant();
            q = q.Where(a => a.Name.ToLower().Contains(lower) || (a.Email != null && a.Email.ToLower().Contains(lower)));
        }
        if (before is { } b)
            q = q.Where(a => a.Id < b);
        return await q.OrderByDescending(a => a.Id).Take(Math.Clamp(limit, 1, MaxPage)).Select(View).ToListAsync(ct);
    }

    private static readonly Expression<Func<Account, AccountStatusView>> View = a => new AccountStatusView(a.Id, a.Name, a.Email, a.Status,
        new Money(a.Balance), new Money(a.OverdraftFloor), a.CreatedAt, a.StatusChangedAt);
}
