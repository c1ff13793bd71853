using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;

namespace BillingConsole.Demo;

/// <summary>How much traffic to generate for one account.</summary>
/// <param name="Requests">Metered calls over the whole period.</param>
/// <param name="End">The end of the period (now, for a seed); the in-flight call is reserved a minute before.</param>
public sealed record TrafficPlan(long AccountId, IReadOnlyList<long> KeyIds, int Days, int Requests, DateTime End, int Seed = 20261123);

public abstract record TrafficEvent(DateTime At);

/// <summary>A credit or debit posted straight to the ledger (purchase, fee, grant, storage, refund, correction...).</summary>
public sealed record PostEvent(DateTime At, long AccountId, string Type, long Amount, string Description, Origin Origin, string? RefId, string IdempotencyKey)
    : TrafficEvent(At);

public enum CallEnd { Success, ErrorBeforeOutput, ErrorAfterOutput, Cancelled, Leaked, InFlight }

/// <summary>A metered call: reserved at <see cref="TrafficEvent.At"/>, resolved at <see cref="EndAt"/> (other events may
/// come in between: calls overlap; see <see cref="TrafficSchedule"/>).</summary>
public sealed record CallEvent(DateTime At, long KeyId, PricedModel Model, long MaxInput, long MaxOutput, string? Tags, string IdempotencyKey,
    CallEnd End, DateTime EndAt, TokenCounts Tokens, string? ErrorCode, int LatencyMs, int TtfbMs, bool Streaming, string ClientIp, string UserAgent)
    : TrafficEvent(At)
{
    public string Status => End switch
    {
        CallEnd.Success => RequestStatus.Success,
        _ => RequestStatus.Error,
    };
}

/// <summary>The expiry worker's pass: releases every open hold whose expiry is at or before <see cref="TrafficEvent.At"/>.</summary>
public sealed record ExpiryEvent(DateTime At) : TrafficEvent(At);
