using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BillingConsole.Accounting.Identity;

/// <summary>A customer API key. Only a SHA-256 hash of the secret is stored; the prefix stays visible to tell keys apart.</summary>
public sealed class ApiKey
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public required string Name { get; set; }
    public required string Prefix { get; set; }
    public required string SecretHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    /// <summary>Space-separated <see cref="ApiKeyScopes"/>. Defaults to every scope, which is what keys had before
    /// scopes existed; <see cref="ApiKeyService"/> always writes the creator's choice.</summary>
    public string Scopes { get; set; } = ApiKeyScopes.AllText;
    /// <summary>When the key stops authenticating (UTC); null for never.</summary>
    public DateTime? ExpiresAt { get; set; }
    /// <summary>Optional cap on what calls made with this key may commit in a calendar month (UTC), nano-dollars.</summary>
    public long? MonthlySpendLimit { get; set; }
    /// <summary>The month <see cref="SpendCommitted"/> counts: open holds plus settled costs of calls reserved in it.
    /// Kept by the ledger batches under the key's row lock, which is what makes the limit exact under concurrency;
    /// the invariant checker proves it against the reservations.</summary>
    public DateTime? SpendMonth { get; set; }
    public long SpendCommitted { get; set; }
    /// <summary>The creating request's idempotency key (API callers that retry), unique per account; null otherwise.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>Hex SHA-256 of the secret. Keys are long random strings, so a fast hash is enough (no password stretching).</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string PrefixOf(string secret) => secret.Length <= 12 ? secret : secret[..12];
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public const int MaxIdempotencyKeyLength = 150;

    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.Property(k => k.Name).HasMaxLength(100);
        b.Property(k => k.Prefix).HasMaxLength(16);
        b.Property(k => k.SecretHash).HasMaxLength(64);
        // The default backfills the keys that existed before scopes, so their callers keep working.
        b.Property(k => k.Scopes).HasMaxLength(200).HasDefaultValue(ApiKeyScopes.AllText);
        b.HasIndex(k => k.SecretHash).IsUnique();
        b.HasIndex(k => k.AccountId);
        b.Property(k => k.IdempotencyKey).HasMaxLength(MaxIdempotencyKeyLength);
        b.HasIndex(k => new { k.AccountId, k.IdempotencyKey }).IsUnique();
        b.HasOne<Ledger.Account>().WithMany().HasForeignKey(k => k.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
