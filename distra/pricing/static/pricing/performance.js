/* A scheme's spend to date against its budget, drawn with Chart.js from the numbers the page
   carries in <script type="application/json" id="scheme-spend-data">; the table beside it holds
   the same numbers and is folded once the chart is drawn. */
(function () {
  "use strict";
  const source = document.getElementById("scheme-spend-data");
  const canvas = document.getElementById("spend-chart");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  if (!data.labels.length) {
    return;
  }
  const css = getComputedStyle(document.documentElement);
  const colour = (name, fallback) => css.getPropertyValue("--bs-" + name).trim() || fallback;
  const datasets = [{ label: data.spend_label, data: data.spend.map(Number), borderColor: colour("primary", "#0d6efd"), fill: false, stepped: true }];
  if (data.budget !== null) {
    datasets.push({ label: data.budget_label, data: data.labels.map(() => Number(data.budget)), borderColor: colour("danger", "#dc3545"),
      borderDash: [6, 4], pointRadius: 0, fill: false });
  }
  const box = canvas.parentElement;
  box.hidden = false;
  new window.Chart(canvas, {
    type: "line",
    data: { labels: data.labels, datasets },
    options: { responsive: true, maintainAspectRatio: false, locale: document.documentElement.lang || undefined,
      animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
      scales: { y: { beginAtZero: true } }, plugins: { legend: { position: "bottom" } } },
  });
  canvas.dataset.drawn = "true";
  const numbers = box.parentElement.querySelector("details.chart-numbers");
  if (numbers) {
    numbers.open = false;
  }
})();
