using BillingConsole.Accounting.Catalog;

namespace BillingConsole.Accounting.Ledger;

/// <summary>Who and what asked for a ledger write; stored on the entry.</summary>
public sealed record Origin(string Source, string Actor);

/// <summary>Credit, debit or correction: any entry type except the three hold types.</summary>
public sealed record PostRequest(
    long AccountId,
    string Type,
    Money Amount,
    string Description,
    Origin Origin,
    string? RefId = null,
    string? IdempotencyKey = null);

public sealed record ReserveRequest(
    long AccountId,
    Money Hold,
    string Description,
    Origin Origin,
    string? IdempotencyKey = null,
    TimeSpan? Ttl = null,
    MeteredCall? Call = null);

/// <summary>What a metered hold is for: the key that made the call (its monthly limit applies), and the model and
/// price version that will price it when it settles. A hold on a priced unit has <see cref="MaxQuantity"/> (micro-units)
/// and no tokens.</summary>
public sealed record MeteredCall(long ApiKeyId, long ModelId, long PriceId, long MaxInputTokens, long MaxOutputTokens, string? Tags,
    long? MaxQuantity = null);

/// <summary>How a metered call ended, for its request record. With <see cref="Charge"/> false it costs nothing. A call on a
/// priced unit reports <see cref="Quantity"/> (micro-units) instead of tokens.</summary>
public sealed record CallOutcome(
    TokenCounts Tokens,
    string RequestStatus,
    bool Charge,
    string? ErrorCode = null,
    int? LatencyMs = null,
    int? TtfbMs = null,
    bool Streaming = false,
    string? Provider = null,
    string? ClientIp = null,
    string? UserAgent = null,
    int? HttpStatus = null,
    long? Quantity = null);

/// <summary>Settles a hold. <see cref="AccountId"/> null means any account (the metering service's view). An unpriced
/// hold costs <see cref="Cost"/>; a metered one is priced from <see cref="Outcome"/>'s tokens and its price version.</summary>
public sealed record SettleRequest(long? AccountId, long ReservationId, Money Cost, string Description, Origin Origin, CallOutcome? Outcome = null);

public sealed record ReleaseRequest(long? AccountId, long ReservationId, string Description, Origin Origin, CallOutcome? Outcome = null);

public sealed record PostedEntry(long EntryId, long AccountId, long Sequence, string Type, Money Amount, Money BalanceAfter, bool Replayed);

public sealed record ReservationHold(long ReservationId, long EntryId, Money Held, Money BalanceAfter, DateTime ExpiresAt, bool Replayed);

public sealed record HoldResolution(long ReservationId, long EntryId, string Status, Money Hold, Money Amount, Money Cost,
    Money MarketCost, Money BalanceAfter, bool Replayed);

public enum LedgerError
{
    InvalidRequest,
    NotFound,
    InsufficientCredits,
    IdempotencyConflict,
    /// <summary>The reservation was already resolved another way (settled vs released) or at another cost.</summary>
    ReservationClosed,
    /// <summary>The balance would leave the representable range (±$1 billion).</summary>
    BalanceLimit,
    /// <summary>The API key's monthly spend limit does not leave room for this hold.</summary>
    SpendLimitReached,
    /// <summary>The API key is revoked.</summary>
    KeyRevoked,
    /// <summary>Concurrent writes kept the guarded write from landing on every attempt; nothing was written and a retry
    /// may succeed. Never reported as a lack of funds.</summary>
    Contention,
    /// <summary>The account is suspended: it takes no new reservation (settlements, releases and posts still land).</summary>
    AccountSuspended,
    /// <summary>The account is closed: it takes no new reservation or entry of any type.</summary>
    AccountClosed,
    /// <summary>The account cannot be closed: its balance is not zero or a hold is still open.</summary>
    AccountNotEmpty,
    /// <summary>A budget of the account or of the key has no room for this hold in its period (<see cref="LedgerFailure.Budget"/>).</summary>
    BudgetExceeded,
    /// <summary>An API key was already created under this idempotency key (<see cref="LedgerFailure.KeyId"/>); its secret
    /// was shown once and is stored only hashed, so it cannot be shown again.</summary>
    KeyAlreadyCreated,
}

/// <param name="Budget">For <see cref="LedgerError.BudgetExceeded"/>: the budget that refused.</param>
public sealed record LedgerFailure(LedgerError Error, string Message, BudgetRefusal? Budget = null, long? KeyId = null);

/// <summary>Which budget refused a hold, and when its period starts afresh (null for a lifetime budget).</summary>
public sealed record BudgetRefusal(long BudgetId, string Period, DateTime? ResetAt);

/// <summary>The outcome of a ledger command: a value, or a failure that wrote nothing.</summary>
public sealed record LedgerResult<T>(T? Value, LedgerFailure? Failure) where T : class
{
    public bool Succeeded => Failure is null;

    public static LedgerResult<T> Ok(T value) => new(value, null);

    public static LedgerResult<T> Fail(LedgerError error, string message) => new(null, new LedgerFailure(error, message));

    public static implicit operator LedgerResult<T>(LedgerFailure failure) => new(null, failure);
}
