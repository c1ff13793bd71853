using BillingConsole.Accounting.Ledger;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace BillingConsole.Web.Components.Billing;

/// <summary>
/// An amount to the cent for people (<see cref="BillingFormat.Cents"/>). When that hides digits, the exact ledger value
/// (<see cref="Money.Format"/>) shows on hover and keyboard focus (a CSS tooltip from <c>data-exact</c>) and is the
/// element's accessible name ("Current balance: $113.579876543, exactly").
/// A render fragment, not a component: pages show dozens of amounts, and each component instance would keep its own
/// render tree buffers in the circuit for as long as the page is open (docs/performance.md, scenario 6).
/// </summary>
public static class Amount
{
    /// <param name="label">What the amount is, for the accessible name when it is rounded ("Current balance").</param>
    /// <param name="signed">Show a plus sign on amounts above zero.</param>
    public static RenderFragment Of(Money value, string? label = null, bool signed = false, string? testId = null, string? cssClass = null) =>
        builder => Render(builder, value, label, signed, testId, cssClass);

    private static void Render(RenderTreeBuilder builder, Money value, string? label, bool signed, string? testId, string? cssClass)
    {
        var exact = signed ? value.FormatSigned() : value.Format();
        var rounded = !BillingFormat.IsWholeCents(value);
        builder.OpenElement(0, "span");
        builder.AddAttribute(1, "class", (rounded ? "bc-num bc-money bc-money-rounded" : "bc-num bc-money") + (cssClass is null ? "" : " " + cssClass));
        builder.AddAttribute(2, "data-exact", exact);
        if (rounded)
        {
            builder.AddAttribute(3, "tabindex", "0");
            builder.AddAttribute(4, "role", "group");
            builder.AddAttribute(5, "aria-label", string.IsNullOrEmpty(label) ? $"{exact}, exactly" : $"{label}: {exact}, exactly");
        }
        if (testId is not null)
            builder.AddAttribute(6, "data-testid", testId);
        builder.AddContent(7, signed ? BillingFormat.CentsSigned(value) : BillingFormat.Cents(value));
        builder.CloseElement();
    }
}
