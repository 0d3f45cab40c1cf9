/* The outlet statement's ageing bar chart, drawn with Chart.js from the numbers the page carries
   in <script type="application/json" id="ageing-chart-data">; the table beside it holds the same
   numbers and stays open when the chart cannot be drawn. */
(function () {
  "use strict";
  const source = document.getElementById("ageing-chart-data");
  const canvas = document.querySelector("canvas[data-chart='ageing']");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  const spec = JSON.parse(source.textContent);
  const css = getComputedStyle(document.documentElement);
  const colour = (name, fallback) => css.getPropertyValue("--bs-" + name).trim() || fallback;
  const colours = [colour("success", "#198754"), colour("primary", "#0d6efd"), colour("warning", "#ffc107"), "#fd7e14", colour("danger", "#dc3545")];
  canvas.parentElement.hidden = false;
  new window.Chart(canvas, {
    type: "bar",
    data: { labels: spec.labels, datasets: [{ label: spec.label, data: spec.values, backgroundColor: colours }] },
    options: {
      responsive: true, maintainAspectRatio: false, locale: document.documentElement.lang || undefined,
      animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
      plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } },
    },
  });
  const numbers = canvas.closest("figure").querySelector("details.chart-numbers");
  if (numbers) {
    numbers.open = false;
  }
})();
