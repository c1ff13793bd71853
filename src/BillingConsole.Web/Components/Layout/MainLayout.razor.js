// What the layout (MainLayout) learns from the browser: its width for the drawer (LayoutDrawer), which MudDrawer got
// from MudBlazor's browser viewport service, and the system's colour scheme, which MudThemeProvider watched. Done here
// so a circuit keeps no .NET object reference, listener or interop types for them. Md is MudBlazor's breakpoint, the
// same width as the CSS that places the drawer beside or over the page.
const wide = matchMedia("(min-width: 960px)");
const dark = matchMedia("(prefers-color-scheme: dark)");

// Asked once by the circuit after its first render.
window.billingConsoleLayout = { isWide: () => wide.matches, prefersDark: () => dark.matches };

// Later changes: told to the circuit as the change of a hidden checkbox, an ordinary Blazor event.
function report(checkboxId, query) {
    const checkbox = document.getElementById(checkboxId);
    if (!checkbox)
        return;
    checkbox.checked = query.matches;
    checkbox.dispatchEvent(new Event("change", { bubbles: true }));
}
wide.addEventListener("change", () => report("bc-viewport-wide", wide));
dark.addEventListener("change", () => report("bc-prefers-dark", dark));

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
