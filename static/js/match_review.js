// Score distribution chart of a match run's review page (Chart.js from npm).
// Data comes from the json_script element "score-distribution"; redrawn after htmx swaps.
"use strict";

(function () {
  let chart = null;
  // Django's JavaScript catalog (base.html loads it first); English if it did not load.
  const gettext = window.gettext || function (text) { return text; };

  function draw() {
    const canvas = document.getElementById("score-chart");
    const source = document.getElementById("score-distribution");
    if (!canvas || !source || typeof window.Chart === "undefined") {
      return;
    }
    const data = JSON.parse(source.textContent);
    if (chart) {
      chart.destroy();
    }
    chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: gettext("Proposals"), data: data.counts, backgroundColor: "#2b7a78" }],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { title: { display: true, text: gettext("Score") } },
          y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: gettext("Proposals") } },
        },
      },
    });
    canvas.dataset.drawn = "true";
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
