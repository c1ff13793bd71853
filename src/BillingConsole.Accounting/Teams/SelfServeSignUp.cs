using System.Security.Cryptography;
using System.Text;
using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BillingConsole.Accounting.Teams;

/// <summary>
/// With <see cref="AccountsOptions.SelfServeSignUp"/>, a person who signs in with a verified email and belongs to no
/// account (and was never given a default one) gets an account of their own. It is created through
/// <see cref="AdminAccounts"/> with a provisioning key derived from the identity's (issuer, sub), so concurrent first
/// sign-ins create one account; the bonus is posted with a per-account ledger key, so it lands once.
/// </summary>
public sealed class SelfServeSignUp(IDbContextFactory<BillingDbContext> dbFactory, AdminAccounts accounts, LedgerWriter writer,
    IOptions<AccountsOptions> options, TimeProvider clock)
{
    /// <summary>The bonus entry's idempotency key, unique per account.</summary>
    public const string BonusKey = "signup-bonus";

    /// <summary>True when the user now owns a new (or their concurrently created) account.</summary>
    internal async Task<bool> TryAsync(UserSummary user, ProviderIdentity identity, string email, CancellationToken ct)
    {
        if (!options.Value.SelfServeSignUp || user.Role != Roles.Customer || user.AccountId is not null)
            return false;
        var now = clock.GetUtcNow().UtcDateTime;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            if (await db.AccountMembers.AnyAsync(m => m.UserId == user.Id, ct)
                || await AccountInvitation.Open(db.AccountInvitations, now).AnyAsync(i => i.Email == email, ct))
                return false;
        var name = string.IsNullOrWhiteSpace(identity.DisplayName) ? email : identity.DisplayName.Trim();
        var key = ProvisioningKey(identity);
        var actor = new AdminActor(user.Id, email);
        var created = await accounts.CreateAsync(new NewAccountRequest(key, name.Length > NewAccountRequest.MaxNameLength
            ? name[..NewAccountRequest.MaxNameLength] : name, email, Money.Zero), actor, ct);
        // A concurrent first sign-in that saw another display name made the account: it is still this identity's.
        if ((created.Value?.Account.Id ?? await FindByKeyAsync(key, ct)) is not { } accountId)
            return false;
        await JoinAsync(accountId, user.Id, now, ct);
        if (options.Value.SignupBonus is { } bonus && Money.TryFromDecimal(bonus, out var amount))
            await writer.PostAsync(new PostRequest(accountId, EntryTypes.Bonus, amount, "Sign-up bonus",
                new Origin(EntrySources.System, "self-serve sign-up"), IdempotencyKey: BonusKey), ct);
        return true;
    }

    /// <summary>The owner row and the default account; a concurrent sign-in of the same person may have written both.</summary>
    private async Task JoinAsync(long accountId, long userId, DateTime now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.AccountMembers.AnyAsync(m => m.AccountId == accountId && m.UserId == userId, ct))
        {
            db.AccountMembers.Add(new AccountMember { AccountId = accountId, UserId = userId, Role = AccountRoles.Owner, CreatedAt = now });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // The same person's concurrent sign-in added the row first (the pair is the key).
            }
        }
        await db.Users.Where(u => u.Id == userId && u.AccountId == null).ExecuteUpdateAsync(s => s.SetProperty(u => u.AccountId, accountId), ct);
    }

    private async Task<long?> FindByKeyAsync(string key, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Accounts.Where(a => a.ProvisioningKey == key).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct);
    }

    /// <summary><c>signup:</c> and the SHA-256 of issuer and subject: one account per identity, however often it signs in.</summary>
    public static string ProvisioningKey(ProviderIdentity identity) =>
        "signup:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{identity.Issuer}\n{identity.Subject}")));
}
