using BillingConsole.Web.Components.Layout;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace BillingConsole.Web.Tests.Components;

public sealed class MainLayoutTests : LedgerComponentTest
{
    [Fact]
    public async Task MainLayout_SignedIn_ShowsProductAccountUserAndSignOutForm()
    {
        var account = await CreateAccountAsync("Acme Robotics");
        SignInAs(account, "Dana Whitfield");

        var cut = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));

        Assert.Contains("BillingConsole", cut.Find(".mud-appbar").TextContent);
        var who = cut.WaitForElement("[data-testid=appbar-account]");
        cut.WaitForAssertion(() => Assert.Contains("Acme Robotics", who.TextContent));
        Assert.Contains("Dana Whitfield", who.TextContent);
        var signOut = cut.Find("form[action='/auth/signout']");
        Assert.Equal("post", signOut.GetAttribute("method"));
        Assert.NotNull(signOut.QuerySelector("input[name=__RequestVerificationToken]"));
        Assert.NotNull(cut.Find("a[href='/billing']"));
        Assert.Contains("page body", cut.Markup);
    }

    [Fact]
    public void MainLayout_SignedOut_Renders()
    {
        AddAuthorization().SetNotAuthorized();

        var cut = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddContent(0, "sign-in page"))));

        Assert.Contains("BillingConsole", cut.Find(".mud-appbar").TextContent);
        Assert.Contains("sign-in page", cut.Markup);
        Assert.Empty(cut.FindAll("form[action='/auth/signout']"));
        Assert.Empty(cut.FindAll(".mud-drawer"));
    }
}
