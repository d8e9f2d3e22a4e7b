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
