using BillingConsole.Accounting.Ledger;
using Microsoft.AspNetCore.Components;

namespace BillingConsole.Web.Components.Billing;

/// <summary>
/// Shows <see cref="Value"/> rounded to the cent (<see cref="BillingFormat.Cents"/>). When the ledger value has more
/// digits than that, the exact value (<see cref="Money.Format"/>) is in <c>data-exact</c>, shown as a tooltip on hover
/// and focus, and read out as the accessible name ("Current balance: $113.579876543, exactly").
/// </summary>
public partial class MoneyText
{
    [Parameter, EditorRequired] public Money Value { get; set; }

    /// <summary>What the amount is, for the accessible name when it is rounded ("Current balance").</summary>
    [Parameter] public string? Label { get; set; }

    /// <summary>Show a plus sign on amounts above zero.</summary>
    [Parameter] public bool Signed { get; set; }

    [Parameter] public string? Class { get; set; }

    [Parameter(CaptureUnmatchedValues = true)] public IReadOnlyDictionary<string, object>? Attributes { get; set; }

    private bool IsExact => BillingFormat.IsWholeCents(Value);

    private string Exact => Signed ? Value.FormatSigned() : Value.Format();

    private string Shown => Signed ? BillingFormat.CentsSigned(Value) : BillingFormat.Cents(Value);

    private string AccessibleName => string.IsNullOrEmpty(Label) ? $"{Exact}, exactly" : $"{Label}: {Exact}, exactly";
}
