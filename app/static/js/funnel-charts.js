/* Draws the funnel page's charts from the JSON block #funnel-data (no inline script: strict CSP). */
(function () {
  "use strict";

  var PALETTE = ["#2f5bd3", "#1e7a3c", "#c77700", "#8e44ad", "#b3261e", "#148f91", "#6b7280", "#d35f9a"];

  function draw() {
    var source = document.getElementById("funnel-data");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var funnelCanvas = document.getElementById("funnel-chart");
    if (funnelCanvas) {
      new window.Chart(funnelCanvas, {
        type: "bar",
        data: {
          labels: data.stages,
          datasets: data.sources.map(function (row, index) {
            return { label: row.label, data: row.reached, backgroundColor: PALETTE[index % PALETTE.length] };
          })
        },
        options: {
          indexAxis: "y",
          animation: false,
          maintainAspectRatio: false,
          scales: { x: { stacked: true, beginAtZero: true, title: { display: true, text: "Applications reaching the stage" } }, y: { stacked: true } },
          plugins: { legend: { position: "bottom" } }
        }
      });
      funnelCanvas.setAttribute("data-rendered", "true");
    }
    var timeCanvas = document.getElementById("time-chart");
    if (timeCanvas && data.times.stages.length) {
      new window.Chart(timeCanvas, {
        type: "bar",
        data: {
          labels: data.times.stages,
          datasets: [
            { label: "Median days", data: data.times.median, backgroundColor: PALETTE[0] },
            { label: "90th percentile days", data: data.times.p90, backgroundColor: PALETTE[2] }
          ]
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          scales: { y: { beginAtZero: true, title: { display: true, text: "Days in stage" } } },
          plugins: { legend: { position: "bottom" } }
        }
      });
      timeCanvas.setAttribute("data-rendered", "true");
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
