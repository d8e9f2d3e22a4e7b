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
    // The keyboard: one stop in the Tab order; the arrow keys move between half hours (Home
    // and End to the row's ends), Space ticks as on any checkbox, and the screen reader names
    // each box ("Monday 18:00") with its state.
    var boxes = Array.prototype.slice.call(table.querySelectorAll("input[type=checkbox]"));
    var rows = Array.prototype.map.call(table.tBodies[0].rows, function (row) {
      return Array.prototype.slice.call(row.querySelectorAll("input[type=checkbox]"));
    });
    var start = boxes.filter(function (box) { return box.checked; })[0] || boxes[0];
    boxes.forEach(function (box) { box.tabIndex = box === start ? 0 : -1; });
    function position(box) {
      for (var r = 0; r < rows.length; r++) {
        var c = rows[r].indexOf(box);
        if (c >= 0) return [r, c];
      }
      return null;
    }
    table.addEventListener("keydown", function (event) {
      var at = position(event.target);
      if (!at) return;
      var r = at[0], c = at[1];
      var back = document.documentElement.dir === "rtl" ? 1 : -1;  // the days run right to left
      var moves = {
        ArrowUp: [r - 1, c], ArrowDown: [r + 1, c], ArrowLeft: [r, c + back], ArrowRight: [r, c - back],
        Home: [r, 0], End: [r, rows[r].length - 1],
      };
      var to = moves[event.key];
      if (!to) return;
      event.preventDefault();
      var row = rows[Math.max(0, Math.min(rows.length - 1, to[0]))];
      var next = row[Math.max(0, Math.min(row.length - 1, to[1]))];
      if (!next || next === event.target) return;
      event.target.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
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
