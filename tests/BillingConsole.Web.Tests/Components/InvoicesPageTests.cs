using AngleSharp.Dom;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Statements;
using BillingConsole.Web.Components.Pages;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BillingConsole.Web.Tests.Components;

/// <summary>/invoices over a real ledger: every figure on the page is the one <see cref="StatementQueries"/> computes,
/// and the page shows that the statement ties out.</summary>
public sealed class InvoicesPageTests : MeteredComponentTest
{
    private static readonly BillingMonth February = new(2026, 2);
    private static readonly BillingMonth March = new(2026, 3);

    /// <summary>February: a top-up with its fee, a bonus grant and usage. March (in progress, now is 2026-03-20): an
    /// auto-recharge with its fee, usage with a failed call, an admin refund, a negative correction and a card refund
    /// (a type no headline figure covers).</summary>
    private async Task<long> SeedAsync()
    {
        Time.AdjustTime(new DateTimeOffset(2026, 2, 3, 9, 0, 0, TimeSpan.Zero));
        var account = await CreateCustomerAsync(Money.FromDollars(500));
        await PostAtAsync(account, EntryTypes.PlatformFee, new Money(-15_250_000_000), "Card processing fee");
        await PostAtAsync(account, EntryTypes.BonusGrant, Money.FromDollars(25), "Welcome bonus");
        var key = await CreateKeyAsync(account, "Production backend");
        await CallAsync(key.Id, "gpt-4o", 100_000, 18_000);
        await CallAsync(key.Id, "claude-sonnet-4-5", 80_000, 9_000, cached: 20_000);

        Time.AdjustTime(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
        await TopUpAsync(account, Money.FromDollars(100), EntryTypes.AutoRecharge, "Auto-recharge");
        await PostAtAsync(account, EntryTypes.PlatformFee, new Money(-3_200_000_000), "Card processing fee");
        await CallAsync(key.Id, "gpt-5", 33_333, 4_444, cached: 1_111);
        await CallAsync(key.Id, "gpt-5", 1_000, 0, status: BillingConsole.Accounting.Metering.RequestStatus.Error);
        await PostAtAsync(account, EntryTypes.Refund, Money.FromCents(412), "Refund of calls billed during the upstream outage");
        await PostAtAsync(account, EntryTypes.AdminCorrection, new Money(-1_000_000_001), "Correction");
        await PostAtAsync(account, EntryTypes.PaymentRefund, Money.FromDollars(-20), "Card refund");
        Time.AdjustTime(new DateTimeOffset(2026, 3, 20, 8, 0, 0, TimeSpan.Zero));
        return account;
    }

    private async Task PostAtAsync(long account, string type, Money amount, string description)
    {
        var result = await Writer.PostAsync(new PostRequest(account, type, amount, description,
            new BillingConsole.Accounting.Ledger.Origin(EntrySources.Admin, "tests")), Ct);
        Assert.True(result.Succeeded, result.Failure?.Message);
        Time.Advance(TimeSpan.FromMinutes(1));
    }

    private (IRenderedComponent<InvoicesPage> Page, IRenderedComponent<MudPopoverProvider> Popovers) Open(long account, string url = "/invoices")
    {
        SignInAs(account);
        var popovers = RenderPopovers();
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        return (Render<InvoicesPage>(), popovers);
    }

    [Fact]
    public async Task InvoicesPage_Opened_ShowsNewestMonthFromTheStatementQueryAndThatItTiesOut()
    {
        var account = await SeedAsync();
        var other = await CreateCustomerAsync(Money.FromDollars(9_999), "Someone Else");

        var (cut, _) = Open(account);

        cut.WaitForElement("[data-testid=invoice]");
        Assert.Equal([March, February], await Statements.GetStatementMonthsAsync(account, Ct));
        Assert.Equal("March 2026 (in progress)", cut.Find("input[data-testid=invoice-month]").GetAttribute("value"));
        var march = await Statements.GetStatementAsync(account, March, Ct);
        AssertShows(cut, march);
        Assert.Equal("Acme Robotics", cut.Find("[data-testid=invoice-account]").TextContent.Trim());
        Assert.NotNull(cut.Find("[data-testid=invoice-in-progress]"));
        Assert.DoesNotContain("9,999", cut.Markup);
        Assert.NotEqual(other, account);

        // The card refund has its own headline figure, shown because the month has one; the summary still adds up.
        Assert.Equal("-$20.00", cut.Find("[data-testid=invoice-payment-refunds]").TextContent.Trim());
        var summed = march.OpeningBalance + march.Purchased - march.Fees - march.CreditsUsed + march.Refunds + march.Corrections + march.Grants
                     + march.PaymentRefunds;
        Assert.Equal(march.ClosingBalance, summed);
        Assert.Empty(cut.FindAll("[data-testid=invoice-disputes]"));
    }

    [Fact]
    public async Task Headline_MonthWithEveryEntryType_ShowsOneLinePerInvoiceFieldThatAddsUpToTheClosingBalance()
    {
        Time.AdjustTime(new DateTimeOffset(2026, 4, 2, 9, 0, 0, TimeSpan.Zero));
        var account = await CreateCustomerAsync(Money.FromDollars(200));
        var key = await CreateKeyAsync(account, "Production backend");
        await CallAsync(key.Id, "gpt-4o", 50_000, 6_000);
        await CancelledCallAsync(key.Id, "gpt-4o-mini");
        (string Type, long Cents)[] posts =
        [
            (EntryTypes.PlatformFee, -640), (EntryTypes.AutoRecharge, 5_000), (EntryTypes.Bonus, 500), (EntryTypes.ContractGrant, 10_000),
            (EntryTypes.BonusGrant, 1_000), (EntryTypes.UsageDebit, -135), (EntryTypes.StorageBilling, -42), (EntryTypes.Refund, 250),
            (EntryTypes.AdminCorrection, 10), (EntryTypes.PaymentRefund, -2_000), (EntryTypes.Dispute, -5_000), (EntryTypes.DisputeReversal, 5_000),
        ];
        foreach (var (type, cents) in posts)
            await PostAtAsync(account, type, Money.FromCents(cents), $"{type} for tests");
        Time.AdjustTime(new DateTimeOffset(2026, 4, 20, 8, 0, 0, TimeSpan.Zero));

        var (cut, _) = Open(account, "/invoices?month=2026-04");

        cut.WaitForAssertion(() => Assert.Equal("April 2026", cut.Find("[data-testid=invoice-title]").TextContent.Trim()));
        var april = await Statements.GetStatementAsync(account, new BillingMonth(2026, 4), Ct);
        Assert.Equal(EntryTypes.All.Select(t => t.Name), april.Lines.Select(l => l.Type));
        AssertShows(cut, april);
        // The same lines as the JSON invoice, in its field order; each shown as it moved the balance, so fees and credits
        // used (reported as charges) show negated, and the rows add up from the opening to the closing balance.
        var response = BillingConsole.Web.Api.InvoiceResponse.From(april);
        var rows = cut.FindAll("[data-testid=invoice-movement]");
        Assert.Equal(["purchased", "fees", "credits-used", "storage", "refunds", "corrections", "grants", "payment-refunds", "disputes", "dispute-reversals"],
            rows.Select(r => r.GetAttribute("data-movement")));
        decimal[] shown = [response.Purchased, -response.Fees, -response.CreditsUsed, response.Storage, response.Refunds, response.Corrections,
            response.Grants, response.PaymentRefunds, response.Disputes, response.DisputeReversals];
        Assert.Equal(shown.Select(d => Money.FromDecimal(d).FormatSigned()), rows.Select(r => r.QuerySelector("dd")!.TextContent.Trim()));
        Assert.Equal(april.ClosingBalance, april.OpeningBalance + Money.FromDecimal(shown.Sum()));
        Assert.Equal(["Purchased", "Fees", "Credits used", "Storage", "Refunds", "Corrections", "Grants", "Payment refunds", "Disputes", "Dispute reversals"],
            rows.Select(r => r.QuerySelector("dt")!.FirstChild!.TextContent.Trim()));
        Assert.Equal("-$50.00", Text(cut, "invoice-disputes"));
        Assert.Equal("+$50.00", Text(cut, "invoice-dispute-reversals"));
        Assert.Equal("-$0.42", Text(cut, "invoice-storage"));
    }

    [Fact]
    public async Task InvoicesPage_AnotherMonthChosen_ShowsItsStatement()
    {
        var account = await SeedAsync();
        var (cut, popovers) = Open(account);
        cut.WaitForElement("[data-testid=invoice]");

        await cut.Find("input[data-testid=invoice-month]").Closest(".mud-input-control")!.MouseDownAsync(new());
        var option = popovers.WaitForElements(".mud-popover-open .mud-list-item").Single(e => e.TextContent.Trim() == "February 2026");
        await option.ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("February 2026", cut.Find("[data-testid=invoice-title]").TextContent.Trim()));
        var february = await Statements.GetStatementAsync(account, February, Ct);
        AssertShows(cut, february);
        Assert.Empty(cut.FindAll("[data-testid=invoice-in-progress]"));
        Assert.Equal("$0.00", february.OpeningBalance.Format());
        Assert.Equal((await Statements.GetStatementAsync(account, March, Ct)).OpeningBalance, february.ClosingBalance);
        Assert.Equal("/billing/invoice?month=2026-02&format=csv", cut.Find("[data-testid=invoice-csv]").GetAttribute("href"));
    }

    [Fact]
    public async Task InvoicesPage_MonthInQueryString_OpensItAndOffersPrintAndCsv()
    {
        var account = await SeedAsync();
        var (cut, _) = Open(account, "/invoices?month=2026-02");

        cut.WaitForAssertion(() => Assert.Equal("February 2026", cut.Find("[data-testid=invoice-title]").TextContent.Trim()));
        AssertShows(cut, await Statements.GetStatementAsync(account, February, Ct));

        var csv = cut.Find("[data-testid=invoice-csv]");
        Assert.Equal("/billing/invoice?month=2026-02&format=csv", csv.GetAttribute("href"));
        Assert.True(csv.HasAttribute("download"));
        await cut.Find("[data-testid=invoice-print]").ClickAsync(new());
        Assert.Single(JSInterop.Invocations, i => i.Identifier == "print");
    }

    [Fact]
    public async Task InvoicesPage_MonthWithoutEntries_ShowsAStatementWithNoMovements()
    {
        var account = await SeedAsync();
        Time.AdjustTime(new DateTimeOffset(2026, 5, 2, 8, 0, 0, TimeSpan.Zero));

        var (cut, _) = Open(account, "/invoices?month=2026-04");

        cut.WaitForAssertion(() => Assert.Equal("April 2026", cut.Find("[data-testid=invoice-title]").TextContent.Trim()));
        var april = await Statements.GetStatementAsync(account, new BillingMonth(2026, 4), Ct);
        Assert.Empty(april.Lines);
        AssertShows(cut, april);
        Assert.Contains("No movements this month", cut.Find("[data-testid=invoice-no-lines]").TextContent);
    }

    [Fact]
    public async Task InvoicesPage_AccountWithoutEntries_ShowsTheEmptyState()
    {
        var account = await CreateAccountAsync();

        var (cut, _) = Open(account);

        var empty = cut.WaitForElement("[data-testid=invoice-empty]");
        Assert.Contains("No statements yet", empty.TextContent);
        Assert.Empty(cut.FindAll("[data-testid=invoice-print]"));
    }

    [Fact]
    public async Task InvoicesPage_FailingLoad_ShowsAFriendlyError()
    {
        var account = await CreateAccountAsync();
        Services.AddSingleton(new StatementQueries(UnmigratedFactory()));

        var (cut, _) = Open(account);

        var error = cut.WaitForElement("[data-testid=invoice-error]");
        Assert.Contains("couldn't load your statements", error.TextContent);
        Assert.DoesNotContain("SQLite", cut.Markup, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Every figure of <paramref name="s"/> as the page must show it, and the tie-out.</summary>
    private static void AssertShows(IRenderedComponent<InvoicesPage> cut, Statement s)
    {
        cut.WaitForAssertion(() => Assert.Equal(s.ClosingBalance.Format(), Text(cut, "invoice-closing")));
        Assert.Equal(s.Month.ToString(), cut.Find("[data-testid=invoice]").GetAttribute("data-month"));
        Assert.Equal(s.OpeningBalance.Format(), Text(cut, "invoice-opening"));
        Assert.Equal(s.Purchased.FormatSigned(), Text(cut, "invoice-purchased"));
        Assert.Equal((-s.Fees).FormatSigned(), Text(cut, "invoice-fees"));
        Assert.Equal((-s.CreditsUsed).FormatSigned(), Text(cut, "invoice-credits-used"));
        Assert.Equal(s.Refunds.FormatSigned(), Text(cut, "invoice-refunds"));
        Assert.Equal(s.Corrections.FormatSigned(), Text(cut, "invoice-corrections"));
        Assert.Equal(s.Grants.FormatSigned(), Text(cut, "invoice-grants"));
        // The rarer figures show only in a month that has such entries, always signed as they moved the balance.
        foreach (var (id, figure) in new[] { ("storage", s.Storage), ("payment-refunds", s.PaymentRefunds), ("disputes", s.Disputes),
                     ("dispute-reversals", s.DisputeReversals) })
            if (cut.FindAll($"[data-testid=invoice-{id}]").Count > 0 || figure != Money.Zero)
                Assert.Equal(figure.FormatSigned(), Text(cut, $"invoice-{id}"));

        var lines = cut.FindAll("[data-testid=invoice-line]");
        Assert.Equal(s.Lines.Select(l => l.Type), lines.Select(l => l.GetAttribute("data-entry-type")));
        foreach (var (line, row) in s.Lines.Zip(lines))
        {
            Assert.Equal(line.Count.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en-US")), Cell(row, "invoice-line-count"));
            Assert.Equal(line.Amount.FormatSigned(), Cell(row, "invoice-line-amount"));
        }

        var net = s.Lines.Aggregate(Money.Zero, (sum, l) => sum + l.Amount);
        Assert.Equal(s.ClosingBalance, s.OpeningBalance + net);
        var tiesOut = cut.Find("[data-testid=invoice-ties-out]");
        Assert.Equal("true", tiesOut.GetAttribute("data-ties-out"));
        Assert.Contains("Ties out", tiesOut.TextContent);
        Assert.Contains($"opening {s.OpeningBalance.Format()}", tiesOut.TextContent);
        Assert.Contains($"{(net.IsNegative ? -net : net).Format()} net change", tiesOut.TextContent);
        Assert.Contains($"= closing {s.ClosingBalance.Format()}", tiesOut.TextContent);
        if (s.Lines.Count > 0)
            Assert.Equal(net.FormatSigned(), Text(cut, "invoice-net-change"));
    }

    private static string Text(IRenderedComponent<InvoicesPage> cut, string testId) => cut.Find($"[data-testid={testId}]").TextContent.Trim();

    private static string Cell(IElement row, string testId) => row.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();
}
