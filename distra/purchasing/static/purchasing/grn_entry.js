// Goods receipt entry: show each line's short quantity (shipped - good - damaged) as it is typed.
(function () {
  "use strict";
  const form = document.getElementById("grn-form");
  if (!form) return;
  function refresh() {
    form.querySelectorAll("tr.grn-line").forEach((row) => {
      const shipped = parseInt(row.dataset.shipped, 10);
      const good = parseInt(row.querySelector(".grn-good").value || "0", 10) || 0;
      const damaged = parseInt(row.querySelector(".grn-damaged").value || "0", 10) || 0;
      const short = shipped - good - damaged;
      const cell = row.querySelector(".grn-short");
      cell.textContent = short;
      cell.classList.toggle("text-danger", short < 0);
    });
  }
  form.addEventListener("input", refresh);
  refresh();
})();
