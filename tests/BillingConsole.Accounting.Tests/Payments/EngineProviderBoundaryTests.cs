using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using BillingConsole.Accounting.Payments;

namespace BillingConsole.Accounting.Tests.Payments;

/// <summary>
/// The engine knows payments only as neutral facts: no provider's types, names, id prefixes, event types or metadata
/// keys. Stripe lives in the web project (StripeGateway, StripeFacts, StripePaymentEvents); this fails when Stripe
/// knowledge comes back into the engine assembly, in a type or member name, a string literal or a constant.
/// </summary>
public sealed partial class EngineProviderBoundaryTests
{
    /// <summary>Names already stored in databases and the HTTP contract (a table, its index, two account columns, a ledger
    /// source and an audit action). They stay as data; the engine never reasons about what they say.</summary>
    private static readonly HashSet<string> StoredNames = new(StringComparer.Ordinal)
    {
        "stripe_events", "ix_stripe_events_payment_intent_id", "stripe_customer_id", "stripe_payment_method_id", "stripe_webhook", "stripe_refund",
    };

    /// <summary>Stripe's object id prefixes, its event types and the metadata keys the console writes on Stripe objects.</summary>
    [GeneratedRegex(@"^(cs|pi|ch|re|dp|pm|cus|evt|seti|sk|rk|whsec)_|^(checkout\.session|payment_intent|charge)\.|^(fee_cents|credits_cents|purchase_id|package_id)$")]
    private static partial Regex ProviderString();

    [Fact]
    public void EngineAssembly_KnowsNoPaymentProvider_BeyondItsStoredNames()
    {
        var engine = typeof(PaymentsService).Assembly;

        Assert.DoesNotContain(engine.GetReferencedAssemblies(), a => a.Name!.StartsWith("Stripe", StringComparison.OrdinalIgnoreCase));
        var findings = ProviderKnowledge(engine);
        Assert.True(findings.Count == 0, "Stripe knowledge in the engine (move it to the web project's Stripe adapter):\n" + string.Join("\n", findings));
    }

    [Fact]
    public void ProviderKnowledge_OfAnAssemblyThatHasSome_FindsNamesIdsAndConstants()
    {
        // This test assembly writes as Stripe on purpose (TestProvider.Stripe, "cs_1" ids): the scan must see it.
        var findings = ProviderKnowledge(typeof(EngineProviderBoundaryTests).Assembly);

        Assert.Contains(findings, f => f == $"member {typeof(TestProvider).FullName}.{nameof(TestProvider.Stripe)}");
        Assert.Contains(findings, f => f == "string \"cs_1\"");
        Assert.Contains(findings, f => f == "string \"stripe\"");
    }

    private static List<string> ProviderKnowledge(Assembly assembly)
    {
        var findings = new List<string>();
        void Check(string what, string value)
        {
            if (!StoredNames.Contains(value) && (value.Contains("stripe", StringComparison.OrdinalIgnoreCase) || ProviderString().IsMatch(value)))
                findings.Add($"{what} \"{value}\"");
        }

        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetTypes())
        {
            if (type.Name.Contains("stripe", StringComparison.OrdinalIgnoreCase))
                findings.Add($"type {type.FullName}");
            foreach (var member in type.GetMembers(all))
            {
                if (member.Name.Contains("stripe", StringComparison.OrdinalIgnoreCase))
                    findings.Add($"member {type.FullName}.{member.Name}");
                // Constants live in metadata, not in the string heap, until some code reads them.
                if (member is FieldInfo { IsLiteral: true } field && field.GetRawConstantValue() is string constant)
                    Check("constant", constant);
            }
        }

        // Every string literal the assembly's code loads (the #US heap).
        using var pe = new PEReader(File.OpenRead(assembly.Location));
        var metadata = pe.GetMetadataReader();
        for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = metadata.GetNextHandle(handle))
            Check("string", metadata.GetUserString(handle));
        return findings.Distinct().ToList();
    }
}
