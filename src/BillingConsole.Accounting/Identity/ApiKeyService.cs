using System.Security.Cryptography;
using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Identity;

public sealed record ApiKeyView(long Id, string Name, string Prefix, DateTime CreatedAt, DateTime? RevokedAt, DateTime? LastUsedAt,
    Money? MonthlySpendLimit, Money CommittedThisMonth, IReadOnlyList<string> Scopes, DateTime? ExpiresAt)
{
    /// <summary>Past its expiry: the key no longer authenticates, like a revoked one.</summary>
    public bool IsExpiredAt(DateTime now) => ExpiresAt is { } at && at <= now;
}

public sealed record CreatedApiKey(ApiKeyView Key, string Secret);

/// <summary>A key a gateway may accept for calls, with the account it bills.</summary>
public sealed record VerifiedApiKey(long AccountId, ApiKeyView Key);

public sealed record KeyUsage(long KeyId, DateTime From, DateTime To, long Calls, long InputTokens, long OutputTokens, long CachedTokens,
    Money Cost, Money MarketCost, Money CommittedThisMonth, Money? MonthlySpendLimit);

/// <summary>Customer API keys: the secret exists only in the create response; the database keeps its SHA-256 hash.</summary>
public sealed class ApiKeyService(IDbContextFactory<BillingDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxNameLength = 100;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    // Compiled, so EF does not translate the query again at every call: the lookup that every keys:verify and every
    // customer API call makes took half the time (docs/performance.md, scenario 2). Per instance, not static: a
    // compiled query binds to the first model it runs on, and one test process hosts SQLite and PostgreSQL apps.
    private readonly Func<BillingDbContext, string, DateTime, CancellationToken, Task<ApiKey?>> _findUsable =
        EF.CompileAsyncQuery((BillingDbContext db, string hash, DateTime now, CancellationToken ct) =>
            db.ApiKeys.AsNoTracking().FirstOrDefault(k => k.SecretHash == hash && k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now)));

    public async Task<IReadOnlyList<ApiKeyView>> ListAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.AccountId == accountId).OrderByDescending(k => k.Id).ToListAsync(ct);
        return keys.Select(View).ToList();
    }

    public async Task<ApiKeyView?> FindAsync(long accountId, long keyId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == keyId && k.AccountId == accountId, ct);
        return key is null ? null : View(key);
    }

    /// <summary>A key with the <see cref="ApiKeyScopes.Default"/> scopes and no expiry.</summary>
    public Task<LedgerResult<CreatedApiKey>> CreateAsync(long accountId, string? name, Money? monthlySpendLimit, CancellationToken ct = default) =>
        CreateAsync(accountId, name, monthlySpendLimit, null, null, ct);

    /// <summary>A key with <paramref name="scopes"/> (null: <see cref="ApiKeyScopes.Default"/>; at least one, all known)
    /// that stops authenticating at <paramref name="expiresAt"/> (UTC, in the future; null: never). Whether the creator
    /// may grant those scopes is the caller's decision: it knows who the creator is.</summary>
    public Task<LedgerResult<CreatedApiKey>> CreateAsync(long accountId, string? name, Money? monthlySpendLimit,
        IReadOnlyCollection<string>? scopes, DateTime? expiresAt, CancellationToken ct = default) =>
        CreateAsync(accountId, name, monthlySpendLimit, scopes, expiresAt, null, ct);

    /// <summary>As above, once per <paramref name="idempotencyKey"/> (null: no key) for an API caller that retries. The
    /// same key again, with the same key settings, is <see cref="LedgerError.KeyAlreadyCreated"/> naming the key, not a
    /// second key: the secret is stored only hashed, so it cannot be shown again (revoke the key if it was lost). With
    /// other settings it is <see cref="LedgerError.IdempotencyConflict"/>.</summary>
    public async Task<LedgerResult<CreatedApiKey>> CreateAsync(long accountId, string? name, Money? monthlySpendLimit,
        IReadOnlyCollection<string>? scopes, DateTime? expiresAt, string? idempotencyKey, CancellationToken ct)
    {
        if (idempotencyKey is { } k && (k.Length is 0 or > ApiKeyConfiguration.MaxIdempotencyKeyLength || k.Any(char.IsControl)))
            return LedgerResult<CreatedApiKey>.Fail(LedgerError.InvalidRequest,
                $"idempotency_key is 1 to {ApiKeyConfiguration.MaxIdempotencyKeyLength} printable characters.");
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > MaxNameLength || trimmed.Any(char.IsControl))
            return LedgerResult<CreatedApiKey>.Fail(LedgerError.InvalidRequest, $"A key needs a name of 1 to {MaxNameLength} printable characters.");
        if (LimitError(monthlySpendLimit) is { } bad)
            return bad;
        if (ScopesError(scopes) is { } badScopes)
            return badScopes;
        var now = clock.GetUtcNow().UtcDateTime;
        // A time without a kind is read as UTC, as the API documents; a local time is converted.
        expiresAt = expiresAt is { Kind: DateTimeKind.Unspecified } unspecified ? DateTime.SpecifyKind(unspecified, DateTimeKind.Utc) : expiresAt?.ToUniversalTime();
        if (expiresAt is { } expiry && expiry <= now)
            return LedgerResult<CreatedApiKey>.Fail(LedgerError.InvalidRequest, "An expiry date must be in the future.");
        var secret = "bc_live_" + RandomNumberGenerator.GetString(Alphabet, 40);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Accounts.AnyAsync(a => a.Id == accountId, ct))
            return LedgerResult<CreatedApiKey>.Fail(LedgerError.NotFound, "No such account.");
        var key = new ApiKey
        {
            AccountId = accountId, Name = trimmed, Prefix = ApiKey.PrefixOf(secret), SecretHash = ApiKey.Hash(secret),
            CreatedAt = now, MonthlySpendLimit = monthlySpendLimit?.Units,
            Scopes = ApiKeyScopes.Format(scopes ?? ApiKeyScopes.Default), ExpiresAt = expiresAt, IdempotencyKey = idempotencyKey,
        };
        if (idempotencyKey is not null && await CreatedBeforeAsync(db, key, ct) is { } replay)
            return replay;
        db.ApiKeys.Add(key);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (idempotencyKey is not null)
        {
            // A concurrent retry inserted it first: the unique (account, idempotency key) index kept one.
            db.ChangeTracker.Clear();
            if (await CreatedBeforeAsync(db, key, ct) is { } raced)
                return raced;
            throw;
        }
        return LedgerResult<CreatedApiKey>.Ok(new CreatedApiKey(View(key), secret));
    }

    /// <summary>The answer for a key already created under <paramref name="wanted"/>'s idempotency key, or null.</summary>
    private static async Task<LedgerResult<CreatedApiKey>?> CreatedBeforeAsync(BillingDbContext db, ApiKey wanted, CancellationToken ct)
    {
        var first = await db.ApiKeys.AsNoTracking()
            .FirstOrDefaultAsync(k => k.AccountId == wanted.AccountId && k.IdempotencyKey == wanted.IdempotencyKey, ct);
        if (first is null)
            return null;
        // Expiry compared to the second: databases keep fewer sub-second digits than .NET.
        var same = first.Name == wanted.Name && first.MonthlySpendLimit == wanted.MonthlySpendLimit && first.Scopes == wanted.Scopes
            && first.ExpiresAt?.Ticks / TimeSpan.TicksPerSecond == wanted.ExpiresAt?.Ticks / TimeSpan.TicksPerSecond;
        return same
            ? new(null, new LedgerFailure(LedgerError.KeyAlreadyCreated,
                $"Key {first.Id} ({first.Prefix}...) was already created for this idempotency_key. Its secret was shown once and cannot be shown again: " +
                "if it was lost, revoke that key and create another with a new idempotency_key.", KeyId: first.Id))
            : LedgerResult<CreatedApiKey>.Fail(LedgerError.IdempotencyConflict, "This idempotency_key already created a key with other settings.");
    }

    /// <summary>Revokes a key; revoking twice is harmless. False when the account has no such key.</summary>
    public async Task<bool> RevokeAsync(long accountId, long keyId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var changed = await db.ApiKeys.Where(k => k.Id == keyId && k.AccountId == accountId && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), ct);
        return changed == 1 || await db.ApiKeys.AnyAsync(k => k.Id == keyId && k.AccountId == accountId, ct);
    }

    /// <summary>Sets or clears the monthly limit. Only the limit column changes; the spend counter stays with the ledger batches.</summary>
    public Task<LedgerResult<ApiKeyView>> SetLimitAsync(long accountId, long keyId, Money? monthlySpendLimit, CancellationToken ct = default) =>
        SetLimitAsync(accountId, keyId, monthlySpendLimit, null, ct);

    /// <summary>As above; with <paramref name="record"/>, the row it makes of the change (given the key's prefix and the
    /// limit replaced) is inserted in the same transaction.</summary>
    public async Task<LedgerResult<ApiKeyView>> SetLimitAsync(long accountId, long keyId, Money? monthlySpendLimit,
        Func<(string Prefix, Money? Replaced), AdminAuditEntry>? record, CancellationToken ct = default)
    {
        if (LimitError(monthlySpendLimit) is { } bad)
            return LedgerResult<ApiKeyView>.Fail(bad.Error, bad.Message);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var key = db.ApiKeys.Where(k => k.Id == keyId && k.AccountId == accountId);
        // The row is locked first (a no-op UPDATE), so the limit replaced is read under the lock: concurrent changes
        // queue, and each record names the limit its own change replaced.
        if (await key.ExecuteUpdateAsync(s => s.SetProperty(k => k.MonthlySpendLimit, k => k.MonthlySpendLimit), ct) == 0)
            return LedgerResult<ApiKeyView>.Fail(LedgerError.NotFound, "No such API key.");
        var before = await key.Select(k => new { k.Prefix, k.MonthlySpendLimit }).SingleAsync(ct);
        await key.ExecuteUpdateAsync(s => s.SetProperty(k => k.MonthlySpendLimit, monthlySpendLimit == null ? null : monthlySpendLimit.Value.Units), ct);
        if (record is not null)
        {
            db.Add(record((before.Prefix, before.MonthlySpendLimit is { } units ? new Money(units) : null)));
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        return LedgerResult<ApiKeyView>.Ok((await FindAsync(accountId, keyId, ct))!);
    }

    /// <summary>The key a secret authenticates now: found by its hash on the unique index, not revoked and not expired;
    /// else null. The one definition for customer API calls and gateways' checks.</summary>
    public async Task<ApiKey?> FindUsableAsync(string secret, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await _findUsable(db, ApiKey.Hash(secret), clock.GetUtcNow().UtcDateTime, ct);
    }

    /// <summary>A gateway's check of a customer's secret: the key when it is active (not revoked, not expired) and holds
    /// the inference scope, else null. One read on the unique secret-hash index whatever the outcome, so an unknown,
    /// revoked, expired or out-of-scope key gets the same answer in the same time.</summary>
    public async Task<VerifiedApiKey?> VerifyAsync(string secret, CancellationToken ct = default)
    {
        var row = await FindUsableAsync(secret, ct);
        if (row is null)
            return null;
        var key = View(row);
        return key.Scopes.Contains(ApiKeyScopes.Inference) ? new VerifiedApiKey(row.AccountId, key) : null;
    }

    /// <summary>Settled usage of one key between two UTC dates (inclusive), from the usage rollups.</summary>
    public async Task<KeyUsage?> UsageAsync(long accountId, long keyId, DateTime from, DateTime to, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == keyId && k.AccountId == accountId, ct);
        if (row is null)
            return null;
        var key = View(row);
        var totals = await db.UsageRollups.Where(u => u.AccountId == accountId && u.ApiKeyId == keyId && u.Day >= from.Date && u.Day <= to.Date)
            .GroupBy(u => 1)
            .Select(g => new { Calls = g.Sum(u => u.Calls), In = g.Sum(u => u.InputTokens), Out = g.Sum(u => u.OutputTokens),
                Cached = g.Sum(u => u.CachedTokens), Cost = g.Sum(u => u.Cost), Market = g.Sum(u => u.MarketCost) })
            .FirstOrDefaultAsync(ct);
        return new KeyUsage(keyId, from.Date, to.Date, totals?.Calls ?? 0, totals?.In ?? 0, totals?.Out ?? 0, totals?.Cached ?? 0,
            new Money(totals?.Cost ?? 0), new Money(totals?.Market ?? 0), key.CommittedThisMonth, key.MonthlySpendLimit);
    }

    private ApiKeyView View(ApiKey k)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var committed = k.SpendMonth is { } m && m.Year == now.Year && m.Month == now.Month ? k.SpendCommitted : 0;
        return new ApiKeyView(k.Id, k.Name, k.Prefix, k.CreatedAt, k.RevokedAt, k.LastUsedAt,
            k.MonthlySpendLimit is { } limit ? new Money(limit) : null, new Money(committed), ApiKeyScopes.Parse(k.Scopes),
            k.ExpiresAt is { } expires ? DateTime.SpecifyKind(expires, DateTimeKind.Utc) : null);
    }

    private static LedgerFailure? ScopesError(IReadOnlyCollection<string>? scopes) => scopes switch
    {
        null => null,
        { Count: 0 } => new LedgerFailure(LedgerError.InvalidRequest, $"A key needs at least one scope: {string.Join(", ", ApiKeyScopes.All)}."),
        _ when scopes.FirstOrDefault(s => !ApiKeyScopes.IsKnown(s)) is { } unknown =>
            new LedgerFailure(LedgerError.InvalidRequest, $"Unknown scope '{unknown}'; scopes are {string.Join(", ", ApiKeyScopes.All)}."),
        _ => null,
    };

    private static LedgerFailure? LimitError(Money? limit) =>
        limit is { } l && (l.Units <= 0 || l > Money.Max)
            ? new LedgerFailure(LedgerError.InvalidRequest, "A monthly spend limit is a positive amount up to $1,000,000,000.")
            : null;
}
