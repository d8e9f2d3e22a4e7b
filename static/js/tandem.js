// Small progressive enhancements; every page works without them.
"use strict";

// A refused htmx action shows why in #htmx-refusal (tandem/core/htmx.py); the next action
// clears it. Polling (GET) leaves it in place so the reason stays readable.
document.addEventListener("htmx:beforeRequest", (event) => {
  const refusal = document.getElementById("htmx-refusal");
  if (refusal && event.detail.requestConfig && event.detail.requestConfig.verb !== "get") {
    refusal.replaceChildren();
  }
});
