/* The forecast chart: weekly orders, the forecast, its 80 % band and any overrides on one chart,
   drawn with Chart.js from the numbers in <script id="forecast-chart-data"> (json_script). The
   table beside it holds the same numbers and folds once the chart is drawn. */
(function () {
  "use strict";
  const source = document.getElementById("forecast-chart-data");
  const canvas = document.getElementById("forecast-chart");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const css = getComputedStyle(document.documentElement);
  const colour = (name, fallback) => css.getPropertyValue("--bs-" + name).trim() || fallback;
  const primary = colour("primary", "#0d6efd");
  const secondary = colour("secondary", "#6c757d");
  const warning = colour("warning", "#ffc107");
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const box = canvas.parentElement;
  box.hidden = false;
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.names.history, data: data.history, borderColor: secondary, backgroundColor: secondary, pointRadius: 0, borderWidth: 1.5, spanGaps: false },
        { label: data.names.band, data: data.hi, borderColor: "transparent", backgroundColor: "rgba(13, 110, 253, 0.15)", pointRadius: 0, fill: "+1" },
        { label: "", data: data.lo, borderColor: "transparent", pointRadius: 0, fill: false },
        { label: data.names.forecast, data: data.forecast, borderColor: primary, backgroundColor: primary, pointRadius: 0, borderWidth: 2 },
        { label: data.names.override, data: data.override, borderColor: warning, backgroundColor: warning, showLine: false, pointRadius: 5, pointStyle: "rectRot" },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: reducedMotion ? false : undefined,
      locale: document.documentElement.lang || undefined,
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { position: "bottom", labels: { filter: (item) => item.text !== "" } } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxTicksLimit: 12 } } },
    },
  });
  const numbers = box.parentElement.querySelector("details.chart-numbers");
  if (numbers) {
    numbers.open = false;
  }
})();
