using BillingConsole.Accounting.Payments;

namespace BillingConsole.Accounting.Tests.Payments;

/// <summary>A provider's reader for engine tests: each recorded payload is a token standing for the neutral fact it
/// carries, so reconciliation is tested on the facts alone (the web project tests the real parser).</summary>
public sealed class FactsByPayload(PaymentProvider provider) : IPaymentFactReader
{
    private readonly Dictionary<string, PaymentFact> _facts = [];

    public PaymentProvider Provider => provider;

    /// <summary>Registers a fact and returns the payload that stands for it.</summary>
    public string Add(PaymentFact fact)
    {
        var payload = $"fact:{Guid.NewGuid():N}";
        lock (_facts)
            _facts[payload] = fact;
        return payload;
    }

    public PaymentFact? Read(string payload)
    {
        lock (_facts)
            return _facts.GetValueOrDefault(payload);
    }
}
