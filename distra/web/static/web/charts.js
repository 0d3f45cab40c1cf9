/* The home page's charts, drawn with Chart.js from the numbers the page carries in
   <script type="application/json" id="home-chart-data"> (Django's json_script), so that no inline
   script is needed. Each chart's table holds the same numbers: it stays open when the charts
   cannot be drawn (no JavaScript, Chart.js missing) and is folded once they are. */
(function () {
  "use strict";

  const source = document.getElementById("home-chart-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  const charts = JSON.parse(source.textContent);
  const css = getComputedStyle(document.documentElement);
  const bs = (name, fallback) => css.getPropertyValue("--bs-" + name).trim() || fallback;

  // Colours follow the meaning of a key, so a status or class looks the same for every user.
  const PRIMARY = bs("primary", "#0d6efd");
  const COLOURS = {
    status: { active: bs("success", "#198754"), inactive: bs("warning", "#ffc107"), closed: bs("secondary", "#6c757d") },
    "territory-class": { A: "#084298", B: PRIMARY, C: "#9ec5fe" },
  };
  const BAR_HEIGHT = 32; // pixels per bar of a horizontal bar chart, legend and axis aside
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function datasets(key, spec) {
    const colours = COLOURS[key] || {};
    if (spec.kind === "doughnut") {
      const series = spec.series[0];
      return [{ label: series.label, data: series.values, backgroundColor: spec.keys.map((k) => colours[k] || PRIMARY) }];
    }
    return spec.series.map((series) => ({
      label: series.label, data: series.values, backgroundColor: colours[series.key] || PRIMARY,
    }));
  }

  function options(spec) {
    const common = {
      responsive: true,
      maintainAspectRatio: false,
      locale: document.documentElement.lang || undefined,
      animation: reducedMotion ? false : undefined,
      plugins: { legend: { display: spec.series.length > 1 || spec.kind === "doughnut", position: "bottom" } },
    };
    if (spec.kind === "doughnut") {
      return common;
    }
    const stacked = spec.kind === "stacked";
    return Object.assign(common, {
      indexAxis: "y", // horizontal bars: long territory and channel names stay readable on a phone
      scales: { x: { stacked, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked } },
    });
  }

  function boxHeight(spec) {
    if (spec.kind === "doughnut") {
      return null; // the stylesheet's height
    }
    const legend = spec.series.length > 1 ? 40 : 0;
    return spec.labels.length * BAR_HEIGHT + 50 + legend;
  }

  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const key = canvas.dataset.chart;
    const spec = charts[key];
    if (!spec) {
      return;
    }
    const box = canvas.parentElement;
    const height = boxHeight(spec);
    if (height) {
      box.style.height = height + "px";
    }
    box.hidden = false;
    new window.Chart(canvas, { type: spec.kind === "doughnut" ? "doughnut" : "bar", data: { labels: spec.labels, datasets: datasets(key, spec) }, options: options(spec) });
    const numbers = box.parentElement.querySelector("details.chart-numbers");
    if (numbers) {
      numbers.open = false;
    }
  });
})();
