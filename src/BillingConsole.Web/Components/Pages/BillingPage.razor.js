// Keyboard of the WAI-ARIA tab lists marked data-keyboard-tabs (BillingPage's tabs): Left/Right (wrapping), Home and
// End focus a tab and open it. Done here rather than on the server so focus moves at once and Home/End do not also
// scroll the page (the server cannot cancel a key's default action for some keys only). Opening is the tab's own click.
document.addEventListener("keydown", event => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey)
        return;
    const tab = event.target instanceof Element ? event.target.closest("[role=tab]") : null;
    const list = tab?.closest("[role=tablist][data-keyboard-tabs]");
    if (!list)
        return;
    const tabs = [...list.querySelectorAll("[role=tab]")];
    const at = tabs.indexOf(tab);
    const next = {
        ArrowLeft: (at - 1 + tabs.length) % tabs.length,
        ArrowRight: (at + 1) % tabs.length,
        Home: 0,
        End: tabs.length - 1,
    }[event.key];
    if (next === undefined)
        return;
    event.preventDefault();
    tabs[next].focus();
    if (tabs[next].getAttribute("aria-selected") !== "true")
        tabs[next].click();
});
