using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Teams;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Identity;

public sealed record UserSummary(long Id, string Email, string DisplayName, string Role, long? AccountId, string? AccountName);

/// <summary>An account a user may act for, with their role in it (<see cref="AccountRoles"/>).</summary>
public sealed record AccountMembership(long AccountId, string AccountName, string Role);

/// <summary>Looks up the people who may sign in and the accounts they belong to.</summary>
/// <param name="signUp">Gives a verified person with no account one of their own, when the configuration allows it.</param>
public sealed class UserDirectory(IDbContextFactory<BillingDbContext> dbFactory, TimeProvider? clock = null, SelfServeSignUp? signUp = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private InvitationAcceptance Invitations => new(dbFactory, _clock);

    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Query(db, db.Users.AsNoTracking().OrderBy(u => u.Role).ThenBy(u => u.Email)).ToListAsync(ct);
    }

    /// <summary>The oldest user with this email: for the development sign-in only, which picks seeded users by address.
    /// Identity-provider sign-ins go through <see cref="SignInAsync"/>.</summary>
    public async Task<UserSummary?> FindByEmailAsync(string email, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Query(db, db.Users.AsNoTracking().Where(u => u.Email == email).OrderBy(u => u.Id)).FirstOrDefaultAsync(ct);
    }

    public async Task<UserSummary?> FindByIdAsync(long userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Query(db, db.Users.AsNoTracking().Where(u => u.Id == userId)).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// The user an identity provider's sign-in acts as. A returning person is found by the provider's
    /// <c>(issuer, sub)</c> only, never by email, so another identity that merely carries the same address reaches nothing
    /// of theirs. Otherwise, with a verified email, a pre-created user of that address that no identity has claimed yet
    /// (the demo seed's, admin-created ones) is bound to this identity; else a new customer with no account is created.
    /// Then, only with a verified email, every pending invitation of that address becomes a membership of this user (on
    /// any sign-in, so an existing user invited to another account gets it at their next sign-in). With self-serve
    /// sign-up on, a verified person with no account and no invitation gets one of their own (<see cref="SelfServeSignUp"/>);
    /// otherwise someone left with no account sees that they are not linked to a billing account.
    /// </summary>
    public async Task<UserSummary> SignInAsync(ProviderIdentity identity, CancellationToken ct = default)
    {
        var email = Normalize(identity.Email);
        var user = await FindOrCreateAsync(identity, email, ct);
        if (!identity.EmailVerified)
            return user;
        if (await Invitations.AcceptAsync(user.Id, email, ct) > 0
            || (signUp is not null && await signUp.TryAsync(user, identity, email, ct)))
            user = await FindByIdAsync(user.Id, ct) ?? user;
        return user;
    }

    private async Task<UserSummary> FindOrCreateAsync(ProviderIdentity identity, string email, CancellationToken ct)
    {
        if (await FindBoundAsync(identity, ct) is { } bound)
            return identity.EmailVerified && !string.Equals(bound.Email, email, StringComparison.Ordinal)
                ? await UpdateEmailAsync(bound, email, ct)
                : bound;
        if (identity.EmailVerified && await BindPreCreatedAsync(identity, email, ct) is { } linked)
            return linked;
        return await CreateBoundAsync(identity, email, ct);
    }

    private async Task<UserSummary?> FindBoundAsync(ProviderIdentity identity, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Query(db, db.Users.AsNoTracking()
            .Where(u => u.IdentityIssuer == identity.Issuer && u.IdentitySubject == identity.Subject)).FirstOrDefaultAsync(ct);
    }

    /// <summary>The provider reports a new verified address: take it unless another user already has it (a pre-created
    /// user of that address must stay linkable by its own owner).</summary>
    private async Task<UserSummary> UpdateEmailAsync(UserSummary user, string email, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var changed = await db.Users
            .Where(u => u.Id == user.Id && !db.Users.Any(o => o.Id != user.Id && o.Email.ToLower() == email))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Email, email), ct);
        return changed == 1 ? user with { Email = email } : user;
    }

    /// <summary>Claims the oldest unbound user of the address. The conditional update decides a race between two
    /// identities: exactly one binds, the other gets a user of its own.</summary>
    private async Task<UserSummary?> BindPreCreatedAsync(ProviderIdentity identity, string email, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var candidates = await db.Users.AsNoTracking()
            .Where(u => u.IdentitySubject == null && u.Email.ToLower() == email).OrderBy(u => u.Id).Select(u => u.Id).ToListAsync(ct);
        foreach (var id in candidates)
        {
            var claimed = await db.Users.Where(u => u.Id == id && u.IdentitySubject == null)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.IdentityIssuer, identity.Issuer).SetProperty(u => u.IdentitySubject, identity.Subject), ct);
            if (claimed == 1)
                return await FindByIdAsync(id, ct);
        }
        return null;
    }

    private async Task<UserSummary> CreateBoundAsync(ProviderIdentity identity, string email, CancellationToken ct)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var name = string.IsNullOrWhiteSpace(identity.DisplayName) ? email : identity.DisplayName.Trim();
            db.Users.Add(new User
            {
                Email = email, DisplayName = name.Length > 200 ? name[..200] : name, Role = Roles.Customer,
                IdentityIssuer = identity.Issuer, IdentitySubject = identity.Subject,
            });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // A concurrent first sign-in of the same identity created it (unique issuer + subject): use theirs.
            }
        }
        return await FindBoundAsync(identity, ct)
            ?? throw new InvalidOperationException($"The user for subject {identity.Subject} could not be created.");
    }

    private static string Normalize(string email) => email.Trim().ToLowerInvariant();

    /// <summary>The accounts the user belongs to, by name: their <see cref="AccountMember"/> rows (the default account
    /// <see cref="User.AccountId"/> has a row like any other since the teams migration).</summary>
    public async Task<IReadOnlyList<AccountMembership>> ListAccountsAsync(long userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var members = await (
            from m in db.AccountMembers.AsNoTracking()
            join a in db.Accounts on m.AccountId equals a.Id
            where m.UserId == userId
            select new { m.AccountId, a.Name, m.Role }).ToListAsync(ct);
        return members.Select(m => new AccountMembership(m.AccountId, m.Name, m.Role))
            .OrderBy(m => m.AccountName, StringComparer.CurrentCultureIgnoreCase).ThenBy(m => m.AccountId).ToList();
    }

    /// <summary>The user's membership of the account, or null when they do not belong to it.</summary>
    public async Task<AccountMembership?> FindMembershipAsync(long userId, long accountId, CancellationToken ct = default) =>
        (await ListAccountsAsync(userId, ct)).FirstOrDefault(m => m.AccountId == accountId);

    /// <summary>Adds the user to the account, or changes their role in it.</summary>
    public async Task AddMemberAsync(long accountId, long userId, string role = AccountRoles.Developer, CancellationToken ct = default)
    {
        if (!AccountRoles.IsValid(role))
            throw new ArgumentException($"'{role}' is not an account role; use one of {string.Join(", ", AccountRoles.All)}.", nameof(role));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = await db.AccountMembers.FindAsync([accountId, userId], ct);
        if (existing is null)
            db.AccountMembers.Add(new AccountMember { AccountId = accountId, UserId = userId, Role = role, CreatedAt = _clock.GetUtcNow().UtcDateTime });
        else
            existing.Role = role;
        await db.SaveChangesAsync(ct);
    }

    // Filter and order on the entity, then project: EF cannot translate members of a record built by its constructor.
    private static IQueryable<UserSummary> Query(BillingDbContext db, IQueryable<User> users) =>
        from u in users
        join a in db.Accounts on u.AccountId equals a.Id into accounts
        from a in accounts.DefaultIfEmpty()
        select new UserSummary(u.Id, u.Email, u.DisplayName, u.Role, u.AccountId, a == null ? null : a.Name);
}
