// Small progressive enhancements; every page works without them.
"use strict";

// A time-zone field left empty starts at the browser's zone; the person can still change it.
// Without JavaScript the field stays empty and the form asks for a zone.
document.addEventListener("DOMContentLoaded", () => {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  if (!zone) return;
  for (const field of document.querySelectorAll("[data-browser-zone]")) {
    if (field.value) continue;
    if (field.tagName === "SELECT") {
      if ([...field.options].some((option) => option.value === zone)) field.value = zone;
      continue;
    }
    const list = field.list;
    if (!list || [...list.options].some((option) => option.value === zone)) field.value = zone;
  }
});

// A refused htmx action shows why in #htmx-refusal (tandem/core/htmx.py); the next action
// clears it. Polling (GET) leaves it in place so the reason stays readable.
document.addEventListener("htmx:beforeRequest", (event) => {
  const refusal = document.getElementById("htmx-refusal");
  if (refusal && event.detail.requestConfig && event.detail.requestConfig.verb !== "get") {
    refusal.replaceChildren();
  }
});

// A table that scrolls sideways is a region the keyboard can reach; its name (the template's,
// translated) gets the table's caption or the heading before it in front, so two of them on
// a page, or one inside a section of that heading, are told apart. Without JavaScript they
// keep the template's name alone.
function nameScrollRegions(root) {
  const headings = [...document.querySelectorAll("h1, h2, h3, h4")];
  for (const region of root.querySelectorAll(".table-scroll[role=region]")) {
    const caption = region.querySelector("caption");
    let name = caption ? caption.textContent.trim() : "";
    if (!name) {
      const before = headings.filter(
        (h) => h.compareDocumentPosition(region) & Node.DOCUMENT_POSITION_FOLLOWING,
      );
      name = before.length ? before[before.length - 1].textContent.trim() : "";
    }
    const generic = region.dataset.name || region.getAttribute("aria-label") || "";
    region.dataset.name = generic;
    if (name) region.setAttribute("aria-label", `${name}: ${generic}`);
  }
}
document.addEventListener("DOMContentLoaded", () => nameScrollRegions(document));
document.addEventListener("htmx:afterSwap", (event) => nameScrollRegions(event.target));

// Focus after an htmx swap: when the control that had focus was replaced, focus goes to the
// same control in the new content (same id, or same name and value), else to what the swap
// says happened (a status or alert message in it), else to the new content itself, so a
// keyboard or screen-reader user is never dropped at the top of the page.
let focusBeforeSwap = null;
document.addEventListener("htmx:beforeSwap", () => {
  const active = document.activeElement;
  focusBeforeSwap = active && active !== document.body ? {
    id: active.id,
    name: active.getAttribute("name"),
    value: active.getAttribute("value"),
    tag: active.tagName,
    text: active.textContent.trim(),
  } : null;
});
document.addEventListener("htmx:afterSettle", (event) => {
  const was = focusBeforeSwap;
  focusBeforeSwap = null;
  const active = document.activeElement;
  if (!was || (active && active !== document.body && active.isConnected)) return;
  const root = event.detail.elt && event.detail.elt.isConnected
    ? event.detail.elt
    : document.getElementById(event.detail.target && event.detail.target.id) || document.body;
  let next = was.id ? document.getElementById(was.id) : null;
  if (!next && was.name) {
    next = [...root.querySelectorAll(`[name="${CSS.escape(was.name)}"]`)].find(
      (el) => was.value === null || el.getAttribute("value") === was.value,
    );
  }
  if (!next && was.tag === "BUTTON") {
    next = [...root.querySelectorAll("button")].find((el) => el.textContent.trim() === was.text);
  }
  if (!next) next = root.querySelector("[role=alert], [role=status], .errorlist");
  if (!next) next = root;
  if (!next.matches("a[href], button, input, select, textarea, [tabindex]")) {
    next.setAttribute("tabindex", "-1");
  }
  next.focus({ preventScroll: false });
});

// After a form is sent and the page comes back with what happened ("Note saved."), the focus
// starts on that message, or on the part of the page the answer points to (#notes): a screen
// reader reads it, and the next Tab goes on from there.
document.addEventListener("DOMContentLoaded", () => {
  const message = document.querySelector("main .messages .message");
  if (!message) return;
  let target = message;
  if (window.location.hash) {
    try {
      target = document.querySelector(window.location.hash) || message;
    } catch (error) {
      target = message;
    }
  }
  if (!target.matches("a[href], button, input, select, textarea, [tabindex]")) {
    target.setAttribute("tabindex", "-1");
  }
  target.focus();
});
