using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Components.Billing;
using Bunit;

namespace BillingConsole.Web.Tests.Components;

/// <summary>The transaction chips take their colour from the entry categories: credits green, charges orange, money
/// taken back red, corrections primary, holds grey (reservation) or blue (settlement, release).</summary>
public sealed class EntryTypeChipTests : LedgerComponentTest
{
    public static TheoryData<string, string> Colours => new()
    {
        { EntryTypes.Topup, "success" }, { EntryTypes.AutoRecharge, "success" }, { EntryTypes.Bonus, "success" },
        { EntryTypes.ContractGrant, "success" }, { EntryTypes.BonusGrant, "success" }, { EntryTypes.Refund, "success" },
        { EntryTypes.DisputeReversal, "success" }, { EntryTypes.PlatformFee, "warning" }, { EntryTypes.UsageDebit, "warning" },
        { EntryTypes.StorageBilling, "warning" }, { EntryTypes.PaymentRefund, "error" }, { EntryTypes.Dispute, "error" },
        { EntryTypes.Reservation, "default" }, { EntryTypes.Settlement, "info" }, { EntryTypes.Release, "info" },
        { EntryTypes.AdminCorrection, "primary" }, { "not_a_type", "default" },
    };

    [Theory]
    [MemberData(nameof(Colours))]
    public void Render_EachEntryType_HasItsCategorysColour(string type, string colour)
    {
        var cut = Render(EntryTypeChip.Of(type));

        var chip = cut.Find("[data-testid=tx-type]");
        Assert.Contains($"mud-chip-color-{colour}", chip.ClassList);
        Assert.Equal(EntryTypes.TryGet(type, out var rule) ? rule.Label : type, chip.TextContent.Trim());
    }

    [Fact]
    public void Colours_CoverEveryEntryType()
    {
        var covered = Colours.Select(row => row.Data.Item1).ToHashSet();
        Assert.All(EntryTypes.All, t => Assert.Contains(t.Name, covered));
    }
}
