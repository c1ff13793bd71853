using System.Text.RegularExpressions;
using BillingConsole.Accounting.Identity;
using BillingConsole.Web.Components.Layout;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

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

    [Fact]
    public async Task NavMenu_Navigating_MarksTheLinkOfTheCurrentSectionActive()
    {
        var account = await CreateAccountAsync("Acme Robotics");
        SignInAs(account);
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/billing?tab=usage");

        var cut = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));

        Assert.Equal(["/billing"], ActiveLinks(cut));
        navigation.NavigateTo("/keys/12");
        cut.WaitForAssertion(() => Assert.Equal(["/keys"], ActiveLinks(cut)));
        navigation.NavigateTo("/keysets");
        cut.WaitForAssertion(() => Assert.Empty(ActiveLinks(cut)));
        // An owner may read the audit trail (a developer policy); the admin group is for billing admins only.
        Assert.NotNull(cut.Find("a.mud-nav-link[href='/audit']"));
        Assert.Empty(cut.FindAll("a[href='/admin']"));
    }

    [Fact]
    public async Task NavMenu_Viewer_HasNoAuditTrailLink()
    {
        var account = await CreateAccountAsync("Acme Robotics");
        SignInAs(account, role: AccountRoles.Viewer);

        var cut = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));

        Assert.NotNull(cut.Find("a.mud-nav-link[href='/invoices']"));
        Assert.Empty(cut.FindAll("a[href='/audit']"));
    }

    [Fact]
    public async Task MainLayout_DarkModeToggle_SwitchesTheThemeAndItsLabel()
    {
        var account = await CreateAccountAsync("Acme Robotics");
        SignInAs(account);
        var cut = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));
        Assert.Empty(cut.FindAll("." + ConsoleTheme.DarkModeClass));

        await cut.Find("button[title='Switch to dark mode']").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("button[title='Switch to light mode']")));
        // The dark palette applies to a page holding this marker (App.razor's dark stylesheet).
        Assert.Single(cut.FindAll("." + ConsoleTheme.DarkModeClass));
        var expanded = cut.Find("button[aria-label='Toggle navigation']").GetAttribute("aria-expanded");
        await cut.Find("button[aria-label='Toggle navigation']").ClickAsync(new());
        Assert.NotEqual(expanded, cut.Find("button[aria-label='Toggle navigation']").GetAttribute("aria-expanded"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ConsoleThemeProvider_Rendered_IsWhatMudThemeProviderRenders(bool dark)
    {
        var mud = Render<MudThemeProvider>(p => p.Add(x => x.Theme, ConsoleTheme.Instance).Add(x => x.IsDarkMode, dark));
        var cached = Render<ConsoleThemeProvider>(p => p.Add(x => x.Theme, ConsoleTheme.Instance).Add(x => x.IsDarkMode, dark));

        Assert.Equal(Normalized(mud.Markup), Normalized(cached.Markup));
    }

    [Fact]
    public void ConsoleTheme_DarkMode_IsTheDarkPaletteScopedToAPageMarkedDark()
    {
        var light = Render<ConsoleThemeProvider>(p => p.Add(x => x.Theme, ConsoleTheme.Instance)).Find("style.mud-theme-provider").TextContent;
        var dark = Render<ConsoleThemeProvider>(p => p.Add(x => x.Theme, ConsoleTheme.DarkMode).Add(x => x.IsDarkMode, true))
            .Find("style.mud-theme-provider").TextContent;

        Assert.StartsWith(":root{", Normalized(light));
        Assert.StartsWith($":root:has(.{ConsoleTheme.DarkModeClass}){{", Normalized(dark));
        Assert.Contains("--mud-palette-background: rgba(244,246,250,1);", light);
        Assert.Contains("--mud-palette-background: rgba(15,22,35,1);", dark);
    }

    [Fact]
    public void ConsoleTheme_SystemDarkMode_IsTheDarkPaletteForADarkSystem_OnAPageWhoseSchemeIsNotKnownYet()
    {
        var cut = Render<ConsoleThemeProvider>(p => p.Add(x => x.Theme, ConsoleTheme.SystemDarkMode).Add(x => x.IsDarkMode, true)
            .Add(x => x.PaletteOnly, true).Add(x => x.Media, ConsoleTheme.SystemDarkMedia));

        var style = Assert.Single(cut.FindAll("style")); // the palette only: the page's first provider has the rest
        var css = Regex.Replace(style.TextContent, @"\s+", " ").Trim();
        Assert.StartsWith($"@media (prefers-color-scheme: dark) {{ :root:has(.{ConsoleTheme.SystemModeClass}){{", css);
        Assert.EndsWith("} }", css);
        Assert.Contains("--mud-palette-background: rgba(15,22,35,1);", css);
    }

    [Fact]
    public async Task MainLayout_BeforeTheBrowserAnswers_FollowsTheSystem_ThenItsAnswer()
    {
        var account = await CreateAccountAsync("Acme Robotics");
        SignInAs(account);
        var prefersDark = JSInterop.Setup<bool>("billingConsoleLayout.prefersDark");

        var cut = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));
        Assert.Single(cut.FindAll("." + ConsoleTheme.SystemModeClass));
        Assert.Empty(cut.FindAll("." + ConsoleTheme.DarkModeClass));

        prefersDark.SetResult(true);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("." + ConsoleTheme.DarkModeClass)));
        Assert.Empty(cut.FindAll("." + ConsoleTheme.SystemModeClass));
    }

    private static string[] ActiveLinks(IRenderedComponent<MainLayout> cut) =>
        [.. cut.FindAll("nav[aria-label='Main navigation'] a.mud-nav-link.active").Select(a => a.GetAttribute("href") ?? "")];

    private static string Normalized(string markup) => Regex.Replace(markup, @">\s+<", "><").Trim();
}
