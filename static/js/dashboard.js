// Charts of the coordinator dashboard (Chart.js from npm). The data comes from the json_script
// element "dashboard-charts": a list of {id, type, label, labels, values}, one per <canvas>.
"use strict";

(function () {
  const COLOURS = ["#2b7a78", "#3aafa9", "#def2f1", "#17252a", "#f4a259", "#bc4b51"];

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
      new window.Chart(canvas, {
        type: spec.type,
        data: {
          labels: spec.labels,
          datasets: [
            {
              label: spec.label,
              data: spec.values,
              backgroundColor: spec.labels.map(function (_, i) {
                return COLOURS[i % COLOURS.length];
              }),
            },
          ],
        },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        },
      });
      canvas.dataset.drawn = "true";
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
