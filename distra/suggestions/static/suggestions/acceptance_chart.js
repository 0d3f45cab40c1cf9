/* The acceptance page's chart: the share of suggested lines accepted, week by week, drawn with
   Chart.js from <script type="application/json" id="acceptance-chart-data">. The table below
   holds the same numbers and stays readable without JavaScript. */
(function () {
  "use strict";
  const source = document.getElementById("acceptance-chart-data");
  const canvas = document.getElementById("acceptance-chart");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  canvas.parentElement.hidden = false;
  const css = getComputedStyle(document.documentElement);
  const primary = css.getPropertyValue("--bs-primary").trim() || "#0d6efd";
  new window.Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: [{ label: data.label, data: data.share, backgroundColor: primary }] },
    options: {
      responsive: true, maintainAspectRatio: false,
      animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
      scales: { y: { beginAtZero: true, max: 100, ticks: { callback: (v) => v + " %" } } },
      plugins: { legend: { display: false } },
    },
  });
})();
