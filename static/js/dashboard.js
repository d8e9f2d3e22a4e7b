// Charts of the coordinator dashboard (Chart.js from npm). The data comes from the json_script
// element "dashboard-charts": a list of {id, type, label, labels, values}, one per <canvas>.
"use strict";

(function () {
  // One colour per chart: the bars are counts of one thing, and a pale bar would vanish.
  const BAR_COLOUR = "#2b7a78";

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
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        },
      });
      canvas.dataset.drawn = "true";
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
