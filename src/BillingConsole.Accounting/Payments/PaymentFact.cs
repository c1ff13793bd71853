namespace BillingConsole.Accounting.Payments;

/// <summary>
/// What a payment provider reported, in the engine's words. The provider's adapter parses its events (and API objects)
/// into these; handlers, postings and reconciliation read nothing else. <see cref="Reference"/> is the provider's id of
/// the object the fact is about; <see cref="AccountId"/> is the account the console tagged it with, if any.
/// </summary>
public abstract record PaymentFact(string Reference, long? AccountId);

public enum PaymentKind
{
    /// <summary>A credit purchase through the hosted checkout.</summary>
    Purchase,
    /// <summary>An off-session charge of the saved card.</summary>
    AutoRecharge,
    /// <summary>Anything else (not the console's, or not a payment).</summary>
    Other,
}

/// <summary>A payment the provider collected: <see cref="AmountPaidCents"/> in the provider's minor unit, of which
/// <see cref="FeeCents"/> was the platform fee. <see cref="Paid"/> is false while the money has not arrived
/// (<see cref="Status"/> says why). <see cref="PaymentId"/> ties later refunds and disputes to it.</summary>
public sealed record PaymentReceived(string Reference, long? AccountId, PaymentKind Kind, string? PaymentId, bool Paid, string Status,
    string? Currency, long AmountPaidCents, long FeeCents, string? PackageId = null, long? Sequence = null)
    : PaymentFact(Reference, AccountId);

/// <summary>An auto-recharge charge failed, with the reason in plain words.</summary>
public sealed record PaymentFailed(string Reference, long? AccountId, PaymentKind Kind, long? Sequence, string Reason, long AmountCents)
    : PaymentFact(Reference, AccountId);

/// <summary>A card setup finished (<see cref="Complete"/>); <see cref="SetupReference"/> reads the card it saved.</summary>
public sealed record PaymentMethodSaved(string Reference, long? AccountId, bool Complete, string Status, string? SetupReference)
    : PaymentFact(Reference, AccountId);

/// <summary>One refund that moved (or will move) money back to the card.</summary>
public sealed record RefundSettled(string Reference, long AmountCents, DateTime CreatedAt);

/// <summary>The refunds of a paid object (<see cref="Reference"/>) changed: <see cref="RefundedCents"/> is the cumulative
/// cash refunded; <see cref="Refunds"/> lists them when the report was complete, else null.</summary>
public sealed record RefundsChanged(string Reference, string? PaymentId, long RefundedCents, IReadOnlyList<RefundSettled>? Refunds)
    : PaymentFact(Reference, null);

public enum DisputeState { Inquiry, Open, Won, Lost, Other }

/// <summary>A chargeback was opened (<see cref="Closed"/> false) or closed. Inquiries withdraw no money.</summary>
public sealed record DisputeChanged(string Reference, string? ChargeReference, string? PaymentId, long AmountCents, DisputeState State,
    string Status, string? Reason, bool Closed) : PaymentFact(Reference, null);
