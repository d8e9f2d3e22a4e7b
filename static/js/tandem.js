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
