// Purchase order entry: add lines, pick a SKU by searching, and keep each line's amount and the
// running total current as cases and units change. The server recomputes everything on save.
(function () {
  "use strict";
  const form = document.getElementById("po-form");
  if (!form) return;
  const body = form.querySelector("#po-lines tbody");
  const money = (n) => (Math.round(n * 100) / 100).toFixed(2);

  function refresh() {
    let total = 0;
    body.querySelectorAll("tr.po-line").forEach((row) => {
      const option = row.querySelector(".po-sku").selectedOptions[0];
      const price = option && option.dataset.price ? parseFloat(option.dataset.price) : 0;
      const perCase = option && option.dataset.perCase ? parseInt(option.dataset.perCase, 10) : 0;
      const cases = parseInt(row.querySelector(".po-cases").value || "0", 10) || 0;
      const units = parseInt(row.querySelector(".po-units").value || "0", 10) || 0;
      const amount = price * (cases * perCase + units);
      row.querySelector(".po-price").textContent = price ? money(price) : "";
      row.querySelector(".po-amount").textContent = price ? money(amount) : "";
      total += Math.round(amount * 100) / 100;
    });
    document.getElementById("po-total").textContent = money(total);
  }

  function addLine() {
    const template = body.querySelector("tr.po-line");
    const row = template.cloneNode(true);
    row.querySelectorAll("input").forEach((input) => { input.value = ""; });
    row.querySelector(".po-sku").value = "";
    row.querySelectorAll(".po-line-error").forEach((e) => e.remove());
    body.appendChild(row);
    return row;
  }

  document.getElementById("po-add-line").addEventListener("click", () => { addLine(); refresh(); });
  const search = document.getElementById("po-sku-search");
  search.addEventListener("change", () => {
    const code = search.value.split(" · ")[0].trim();
    const rows = Array.from(body.querySelectorAll("tr.po-line"));
    let row = rows.find((r) => !r.querySelector(".po-sku").value) || addLine();
    const option = Array.from(row.querySelector(".po-sku").options).find((o) => o.dataset.code === code);
    if (!option) return;
    row.querySelector(".po-sku").value = option.value;
    search.value = "";
    row.querySelector(".po-cases").focus();
    refresh();
  });
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  refresh();
})();
