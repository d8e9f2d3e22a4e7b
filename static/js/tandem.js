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
