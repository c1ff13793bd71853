using BillingConsole.Accounting.Identity;
using BillingConsole.Web.Components.Pages;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Components;

public sealed class SignInPageTests : LedgerComponentTest
{
    [Fact]
    public async Task SignInPage_Users_ListedAsFormPostsToDevSignIn()
    {
        var acme = await CreateAccountAsync("Acme Robotics");
        await CreateUserAsync("dana@acme.example", "Dana Whitfield", Roles.Customer, acme);
        await CreateUserAsync("admin@billingconsole.example", "Billing Admin", Roles.BillingAdmin, acme);
        NavigateTo("/signin?returnUrl=%2Fbilling%3Ftab%3Dhistory");

        var cut = Render<SignIn>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=signin-user]").Count));
        Assert.Contains("Development sign-in", cut.Find("h1").TextContent);
        var dana = cut.FindAll("[data-testid=signin-user]").Single(u => u.TextContent.Contains("Dana Whitfield"));
        Assert.Contains("dana@acme.example", dana.TextContent);
        Assert.Contains("Customer", dana.TextContent);
        Assert.Contains("Acme Robotics", dana.TextContent);

        var form = dana.QuerySelector("form")!;
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("/auth/dev-signin", form.GetAttribute("action"));
        Assert.Equal("dana@acme.example", form.QuerySelector("input[name=email]")!.GetAttribute("value"));
        Assert.Equal("/billing?tab=history", form.QuerySelector("input[name=returnUrl]")!.GetAttribute("value"));
        Assert.Equal("test-antiforgery-token", form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value"));
        Assert.Equal("submit", form.QuerySelector("button")!.GetAttribute("type"));
        Assert.Empty(cut.FindAll("[data-testid=signin-error]"));
    }

    [Theory]
    [InlineData("/signin", "/billing")]
    [InlineData("/signin?returnUrl=https%3A%2F%2Fevil.example%2F", "/billing")]
    [InlineData("/signin?returnUrl=%2F%2Fevil.example", "/billing")]
    public async Task SignInPage_ReturnUrl_IsBillingUnlessALocalPath(string url, string expected)
    {
        await CreateUserAsync("dana@acme.example", "Dana Whitfield", Roles.Customer, await CreateAccountAsync());
        NavigateTo(url);

        var cut = Render<SignIn>();

        var returnUrl = cut.WaitForElement("input[name=returnUrl]");
        Assert.Equal(expected, returnUrl.GetAttribute("value"));
    }

    [Fact]
    public async Task SignInPage_UnknownUser_ShowsAnError()
    {
        await CreateUserAsync("dana@acme.example", "Dana Whitfield", Roles.Customer, await CreateAccountAsync());
        NavigateTo("/signin?error=unknown-user");

        var cut = Render<SignIn>();

        Assert.Contains("doesn't exist", cut.WaitForElement("[data-testid=signin-error]").TextContent);
        cut.WaitForElement("[data-testid=signin-user]");
    }

    private void NavigateTo(string url) => Services.GetRequiredService<NavigationManager>().NavigateTo(url);
}
