/* Draws the assessment reports' charts from their JSON blocks (no inline script: strict CSP). */
(function () {
  "use strict";

  var PALETTE = ["#2f5bd3", "#1e7a3c", "#c77700", "#8e44ad", "#b3261e", "#148f91", "#6b7280", "#d35f9a"];

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function bar(canvas, labels, datasets, yTitle, max) {
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, max: max, title: { display: true, text: yTitle } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
    canvas.setAttribute("data-rendered", "true");
  }

  function drawExercise(data) {
    var items = document.getElementById("items-chart");
    if (items && data.groups.length) {
      bar(items, data.groups, [
        { label: "Difficulty (mean share of points)", data: data.difficulty, backgroundColor: PALETTE[0] },
        { label: "Discrimination (corrected item-total r)", data: data.discrimination, backgroundColor: PALETTE[2] }
      ], "", 1);
    }
    var histogram = document.getElementById("histogram-chart");
    if (histogram && data.histogram.counts.length) {
      bar(histogram, data.histogram.labels, [
        { label: "Candidates", data: data.histogram.counts, backgroundColor: PALETTE[1] }
      ], "Candidates");
    }
  }

  function drawImpact(data) {
    var box = document.getElementById("impact-charts");
    if (!box) {
      return;
    }
    data.charts.forEach(function (chart, index) {
      var figure = document.createElement("figure");
      figure.className = "chart-box";
      var canvas = document.createElement("canvas");
      canvas.id = "impact-chart-" + index;
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", "Selection rate per stage by " + chart.title);
      var caption = document.createElement("figcaption");
      caption.textContent = "Selection rate per stage, by " + chart.title.toLowerCase() + " (suppressed groups: no bar)";
      figure.appendChild(canvas);
      figure.appendChild(caption);
      box.appendChild(figure);
      var datasets = Object.keys(chart.groups).map(function (label, number) {
        return { label: label, data: chart.groups[label], backgroundColor: PALETTE[number % PALETTE.length] };
      });
      bar(canvas, chart.steps, datasets, "Selection rate", 1);
    });
  }

  function draw() {
    if (typeof window.Chart === "undefined") {
      return;
    }
    var exercise = read("assessment-data");
    if (exercise) {
      drawExercise(exercise);
    }
    var impact = read("impact-data");
    if (impact) {
      drawImpact(impact);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
