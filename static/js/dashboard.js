// Charts of the coordinator dashboard (Chart.js from npm). The data comes from the json_script
// element "dashboard-charts": a list of {id, type, label, labels, values}, one per <canvas>.
"use strict";

(function () {
  // One colour per chart: the bars are counts of one thing, and a pale bar would vanish.
  const BAR_COLOUR = "#2b7a78";

  // Bars stand while their names fit side by side beneath them; otherwise (most often on a
  // phone, or in a language with long words) they lie down, each name read across beside its
  // bar. Standing bars would tilt long names into each other or off the edge, and Chart.js
  // would skip every other one, so that a bar seemed to belong to its neighbour's name.
  const LINE_LENGTH = 18;
  const REM_PER_BAR = 2.5;
  const NAME_MARGIN = 8;
  const AXIS_WIDTH = 40; // the counts' axis, beside the bars

  function namesFit(canvas, labels) {
    const context = document.createElement("canvas").getContext("2d");
    const font = window.Chart.defaults.font;
    context.font = font.size + "px " + font.family;
    const widest = Math.max.apply(
      null,
      labels.map(function (label) {
        return context.measureText(String(label)).width;
      }),
    );
    const room = (canvas.parentElement.clientWidth - AXIS_WIDTH) / labels.length;
    return widest + NAME_MARGIN <= room;
  }

  // Break a long name into short lines (Chart.js draws an array as lines).
  function wrap(label) {
    const lines = [];
    String(label)
      .split(" ")
      .forEach(function (word) {
        const last = lines.length - 1;
        if (last >= 0 && (lines[last] + " " + word).length <= LINE_LENGTH) {
          lines[last] += " " + word;
        } else {
          lines.push(word);
        }
      });
    return lines.length > 1 ? lines : label;
  }

  function scales(lying) {
    // Every name shows (never skipped); standing bars may turn their names upright to fit.
    const names = { ticks: { autoSkip: false, maxRotation: lying ? 0 : 90 } };
    const counts = { beginAtZero: true, ticks: { precision: 0 } };
    return lying ? { x: counts, y: names } : { x: names, y: counts };
  }

  function draw() {
    const source = document.getElementById("dashboard-charts");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    const charts = JSON.parse(source.textContent);
    charts.forEach(function (spec) {
      const canvas = document.getElementById(spec.id);
      if (!canvas || canvas.dataset.drawn === "true") {
        return;
      }
      const lying = !namesFit(canvas, spec.labels);
      if (lying) {
        const box = canvas.parentElement;
        const rem = 2 + spec.labels.length * REM_PER_BAR;
        box.style.height = "max(" + getComputedStyle(box).height + ", " + rem + "rem)";
      }
      new window.Chart(canvas, {
        type: spec.type,
        data: {
          labels: lying ? spec.labels.map(wrap) : spec.labels,
          datasets: [
            {
              label: spec.label,
              data: spec.values,
              backgroundColor: BAR_COLOUR,
              borderRadius: 3,
              maxBarThickness: 48,
            },
          ],
        },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          indexAxis: lying ? "y" : "x",
          plugins: { legend: { display: false } },
          scales: scales(lying),
        },
      });
      canvas.dataset.drawn = "true";
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
