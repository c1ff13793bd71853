using BillingConsole.Web.Components.Layout;

namespace BillingConsole.Web.Tests.Components;

/// <summary>The layout's drawer decides as MudDrawer (responsive, breakpoint Md) did: open beside a wide page, closed at
/// first on a narrow one and then over the page, closed or opened when the browser crosses Md.</summary>
public sealed class LayoutDrawerTests
{
    [Fact]
    public void ViewportIs_WideAtFirst_StaysOpenBesideThePage()
    {
        var drawer = new LayoutDrawer();

        drawer.ViewportIs(wide: true);

        Assert.True(drawer.Open);
        Assert.True(drawer.Initial);
        Assert.False(drawer.OverlayShown);
        Assert.Contains("mud-drawer-open-responsive-md-left", drawer.LayoutClass);
    }

    [Fact]
    public void ViewportIs_NarrowAtFirst_ClosesWithoutLeavingTheInitialState()
    {
        var drawer = new LayoutDrawer();

        drawer.ViewportIs(wide: false);

        Assert.False(drawer.Open);
        // MudBlazor's CSS keeps an "initial" drawer hidden below Md, so it does not slide out of view on page load.
        Assert.Contains("mud-drawer--closed mud-drawer--initial", drawer.DrawerClass);
        Assert.Contains("mud-drawer-close-responsive-md-left", drawer.LayoutClass);
    }

    [Fact]
    public void Toggle_Narrow_OpensOverThePageAndAnyFollowedLinkClosesIt()
    {
        var drawer = new LayoutDrawer();
        drawer.ViewportIs(wide: false);

        drawer.Toggle();

        Assert.True(drawer.Open);
        Assert.True(drawer.OverlayShown);
        Assert.DoesNotContain("mud-drawer--initial", drawer.DrawerClass);
        Assert.True(drawer.CloseOverPage());
        Assert.False(drawer.Open);
        Assert.False(drawer.OverlayShown);
    }

    [Fact]
    public void CloseOverPage_Wide_KeepsTheDrawerBesideThePageOpen()
    {
        var drawer = new LayoutDrawer();
        drawer.ViewportIs(wide: true);

        Assert.False(drawer.CloseOverPage());

        Assert.True(drawer.Open);
    }

    [Fact]
    public void ViewportIs_CrossingMd_ClosesBelowAndOpensAbove()
    {
        var drawer = new LayoutDrawer();
        drawer.ViewportIs(wide: true);

        drawer.ViewportIs(wide: false);
        Assert.False(drawer.Open);
        Assert.False(drawer.Initial);

        drawer.ViewportIs(wide: true);
        Assert.True(drawer.Open);

        // Closed by hand on a wide page, it still opens when the page widens again after narrowing.
        drawer.Close();
        drawer.ViewportIs(wide: false);
        drawer.ViewportIs(wide: true);
        Assert.True(drawer.Open);
    }

    [Fact]
    public void ViewportIs_SameWidthAgain_LeavesAHandClosedDrawerClosed()
    {
        var drawer = new LayoutDrawer();
        drawer.ViewportIs(wide: true);
        drawer.Toggle();

        drawer.ViewportIs(wide: true);

        Assert.False(drawer.Open);
    }
}
