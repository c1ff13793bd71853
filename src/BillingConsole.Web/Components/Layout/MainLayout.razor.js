// The layout's drawer (MainLayout, LayoutDrawer): what MudDrawer learnt from MudBlazor's browser viewport service, done
// here so a circuit keeps no .NET object reference, resize listener or interop types for it. Md is MudBlazor's
// breakpoint, the same width as the CSS that places the drawer beside or over the page.
const wide = matchMedia("(min-width: 960px)");

// Asked once by the circuit when it first shows the drawer.
window.billingConsoleLayout = { isWide: () => wide.matches };

// Crossing Md: told to the circuit as the change of a hidden checkbox, an ordinary Blazor event.
wide.addEventListener("change", () => {
    const report = document.getElementById("bc-viewport-wide");
    if (!report)
        return;
    report.checked = wide.matches;
    report.dispatchEvent(new Event("change", { bubbles: true }));
});

// Escape closes the drawer while it lies over the page (its overlay exists only then), as a click on the overlay does;
// focus inside the drawer goes back to the menu button instead of staying on a link that is leaving the screen.
document.addEventListener("keydown", event => {
    const overlay = document.getElementById("bc-drawer-overlay");
    if (event.key !== "Escape" || event.defaultPrevented || !overlay)
        return;
    overlay.click();
    if (document.getElementById("bc-drawer")?.contains(document.activeElement))
        document.querySelector("[aria-controls='bc-drawer']")?.focus();
});
