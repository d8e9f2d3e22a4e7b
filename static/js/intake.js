// The intake page: drag across the availability grid, pick suggested tags (tandem.js fills
// an empty time zone with the browser's).
// Without this file the page still works: the grid is plain checkboxes, tags are typed.
"use strict";

(function () {
  function initGrid(table) {
    var dragging = false;
    var mode = true;
    table.classList.add("js-grid");

    function setCell(cell, on) {
      var box = cell.querySelector("input[type=checkbox]");
      if (!box) return;
      box.checked = on;
      cell.classList.toggle("on", on);
    }

    table.addEventListener("pointerdown", function (event) {
      var cell = event.target.closest("td");
      if (!cell || !table.contains(cell) || event.button !== 0) return;
      event.preventDefault();
      var box = cell.querySelector("input[type=checkbox]");
      mode = !box.checked;
      dragging = true;
      setCell(cell, mode);
      // Touch captures the pointer on the first cell; release it so the others see it pass.
      if (event.target.hasPointerCapture && event.target.hasPointerCapture(event.pointerId)) {
        event.target.releasePointerCapture(event.pointerId);
      }
    });
    table.addEventListener("pointerover", function (event) {
      if (!dragging) return;
      var cell = event.target.closest("td");
      if (cell && table.contains(cell)) setCell(cell, mode);
    });
    function stop() { dragging = false; }
    document.addEventListener("pointerup", stop);
    document.addEventListener("pointercancel", stop);
    // A pointer click was handled on pointerdown; stop the browser toggling the box back.
    // Keyboard toggles (detail 0) keep their native behaviour.
    table.addEventListener("click", function (event) {
      if (event.detail > 0 && event.target.matches("input[type=checkbox]")) event.preventDefault();
    });
    table.addEventListener("change", function (event) {
      var box = event.target;
      if (box.matches("input[type=checkbox]")) box.closest("td").classList.toggle("on", box.checked);
    });
  }

  function addSuggestion(event) {
    var button = event.target.closest("[data-tag-add]");
    if (!button) return;
    var input = document.getElementById(button.dataset.for);
    if (!input) return;
    var parts = input.value.split(/[;,]/);
    parts.pop();  // the part being typed is replaced by the suggestion
    parts = parts.map(function (part) { return part.trim(); }).filter(Boolean);
    parts.push(button.dataset.tagAdd);
    input.value = parts.join("; ") + "; ";
    button.remove();
    input.focus();
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function cityRequirement() {
    var city = document.getElementById("id_city");
    var radios = document.querySelectorAll("input[name=channel]");
    if (!city || !radios.length) return;
    function update() {
      var chosen = document.querySelector("input[name=channel]:checked");
      city.required = !!chosen && chosen.value === "in person";
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  }

  function init() {
    document.querySelectorAll("table[data-availability-grid]").forEach(initGrid);
    document.addEventListener("click", addSuggestion);
    cityRequirement();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
