/* Order entry, progressively enhanced. Without this script every button posts the form and the
   server re-renders it (search, add, recalculate). With it:
   - the SKU search asks /orders/skus.json as one types, and "Add" puts the line in place;
   - each line's amounts and the order's totals follow every keystroke, computed as
     distra/orders/domain.py does: in whole paise (BigInt, never floats), the line's gross exact,
     its discount and its tax (on the net) each rounded half-up to the paisa, and the totals the
     sums of the rounded lines;
   - then the pricing engine's figures (price lists, schemes, what is within reach) replace them
     (/orders/quote.json, shortly after typing stops);
   - a changed warehouse refreshes what is available;
   - a second click on a save button while the first is on its way is ignored (the hidden
     idempotency key makes a resubmitted form harmless anyway). */
(function () {
  "use strict";

  const form = document.getElementById("order-form");
  if (!form || typeof BigInt === "undefined") {
    return;
  }
  const linesBox = document.getElementById("lines");
  const results = document.getElementById("sku-results");
  const search = document.getElementById("id_sku_q");
  const warehouse = document.getElementById("id_warehouse");
  const totalForms = form.querySelector('input[name="lines-TOTAL_FORMS"]');
  const template = document.getElementById("line-template");

  // Decimal text ("7.5", "18.00") as a whole number of hundredths, or null.
  function hundredths(text) {
    const match = /^\s*(\d+)(?:\.(\d{0,2}))?\s*$/.exec(text || "");
    return match ? BigInt(match[1]) * 100n + BigInt(((match[2] || "") + "00").slice(0, 2)) : null;
  }

  function wholeNumber(text) {
    if (!text || !text.trim()) {
      return 0n;
    }
    return /^\s*\d+\s*$/.test(text) ? BigInt(text.trim()) : null;
  }

  // n / d rounded half-up, for n >= 0 and d > 0 (ROUND_HALF_UP of distra.core.money).
  function halfUp(n, d) {
    return (2n * n + d) / (2n * d);
  }

  function money(paise) {
    const rupees = paise / 100n;
    const rest = (paise % 100n).toString().padStart(2, "0");
    return rupees.toString() + "." + rest;
  }

  function lineAmounts(line) {
    const price = hundredths(line.dataset.unitPrice);
    const taxRate = hundredths(line.dataset.taxRate);
    const perCase = wholeNumber(line.dataset.unitsPerCase);
    const cases = wholeNumber(line.querySelector('[data-qty="cases"]').value);
    const units = wholeNumber(line.querySelector('[data-qty="units"]').value);
    const discountText = line.querySelector('[data-qty="discount"]').value;
    const discountPct = discountText.trim() ? hundredths(discountText) : 0n;
    if ([price, taxRate, perCase, cases, units, discountPct].includes(null) || discountPct > 10000n) {
      return null;
    }
    const quantity = cases * perCase + units;
    if (quantity <= 0n) {
      return null;
    }
    const gross = price * quantity; // paise: price in hundredths × whole units, exact
    const discount = halfUp(gross * discountPct, 10000n);
    const net = gross - discount;
    const tax = halfUp(net * taxRate, 10000n);
    return { quantity, gross, discount, net, tax, total: net + tax };
  }

  function recompute() {
    const sums = { gross: 0n, discount: 0n, net: 0n, tax: 0n, total: 0n };
    let kept = 0;
    linesBox.querySelectorAll("[data-line]").forEach((line) => {
      const removed = line.querySelector("[data-remove]").checked;
      line.classList.toggle("opacity-50", removed);
      const amounts = removed ? null : lineAmounts(line);
      const show = (key, value) => { line.querySelector(`[data-amount="${key}"]`).textContent = value; };
      show("quantity", amounts ? amounts.quantity.toString() : "");
      ["net", "tax", "total"].forEach((key) => show(key, amounts ? money(amounts[key]) : ""));
      const available = line.querySelector("[data-available]");
      const short = amounts && available.textContent.trim() !== "" && amounts.quantity > BigInt(available.textContent.trim());
      available.classList.toggle("text-danger", Boolean(short));
      available.classList.toggle("fw-semibold", Boolean(short));
      if (!removed) {
        kept += 1;
      }
      if (amounts) {
        Object.keys(sums).forEach((key) => { sums[key] += amounts[key]; });
      }
    });
    Object.keys(sums).forEach((key) => {
      form.querySelector(`[data-total="${key}"]`).textContent = money(sums[key]);
    });
    document.getElementById("no-lines").classList.toggle("d-none", kept > 0);
    schedulePricing();
  }

  // The engine's figures (price lists, schemes, the manual discount on what schemes left) replace
  // the local ones shortly after typing stops: /orders/quote.json prices the lines as the order
  // will be priced. The local figures stand while it answers or if it cannot.
  const quoteUrl = form.dataset.quoteUrl;
  const csrf = form.querySelector('input[name="csrfmiddlewaretoken"]');
  let pricingTimer = null;
  let pricingRound = 0;

  function keptLines() {
    const lines = [];
    for (const line of linesBox.querySelectorAll("[data-line]")) {
      if (line.querySelector("[data-remove]").checked) {
        continue;
      }
      const amounts = lineAmounts(line);
      if (!amounts) {
        return null;
      }
      const discountText = line.querySelector('[data-qty="discount"]').value.trim();
      lines.push({ sku: Number(line.dataset.sku), quantity: Number(amounts.quantity), discount_pct: discountText || "0" });
    }
    return lines;
  }

  // Every change starts a new round: an answer still on its way for the lines as they were is
  // dropped when it lands (it would put back totals of lines since changed).
  function schedulePricing() {
    clearTimeout(pricingTimer);
    pricingRound += 1;
    form.dataset.priced = "false";
    pricingTimer = setTimeout(priceWithEngine, 300);
  }

  function showSchemes(box, schemes) {
    box.replaceChildren(...schemes.map((s) => {
      const li = document.createElement("li");
      li.dataset.scheme = s.code;
      li.textContent = `${s.code} −${s.benefit} · ${s.reason}` + (s.hint ? ` · ${s.hint}` : "");
      return li;
    }));
  }

  // The free lines the order would get (SKU × units · FREE (scheme)), as the order page lists them.
  function showFreeLines(free) {
    const box = document.getElementById("free-lines");
    if (!box) {
      return;
    }
    box.replaceChildren(...free.map((l) => {
      const li = document.createElement("li");
      li.className = "text-success fw-semibold";
      li.dataset.freeSku = l.code;
      li.textContent = `${l.code} × ${l.quantity} · ${box.dataset.freeLabel} (${l.free_of})`;
      return li;
    }));
  }

  function priceWithEngine() {
    const lines = keptLines();
    if (!quoteUrl || !lines || !lines.length) {
      return;
    }
    const round = pricingRound;
    fetch(quoteUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      body: JSON.stringify({ outlet: form.dataset.outlet, order: form.dataset.order || null, lines }),
    }).then((response) => (response.ok ? response.json() : null)).then((answer) => {
      if (!answer || round !== pricingRound) {
        return;
      }
      const bought = new Map(answer.lines.filter((l) => !l.free).map((l) => [String(l.sku), l]));
      linesBox.querySelectorAll("[data-line]").forEach((line) => {
        const priced = bought.get(line.dataset.sku);
        if (!priced || line.querySelector("[data-remove]").checked) {
          return;
        }
        ["net", "tax", "total"].forEach((key) => { line.querySelector(`[data-amount="${key}"]`).textContent = priced[key]; });
        showSchemes(line.querySelector("[data-schemes]"), priced.schemes);
      });
      Object.entries(answer.totals).forEach(([key, value]) => {
        form.querySelector(`[data-total="${key}"]`).textContent = value;
      });
      showFreeLines(answer.lines.filter((l) => l.free));
      const reach = document.getElementById("schemes-within-reach");
      if (reach) {
        reach.replaceChildren(...answer.not_applied.map((n) => {
          const li = document.createElement("li");
          li.dataset.scheme = n.code;
          li.textContent = `${n.code}: ${n.message}`;
          return li;
        }));
      }
      form.dataset.priced = "true";
    }).catch(() => {});
  }

  function lineFor(skuId) {
    return [...linesBox.querySelectorAll("[data-line]")].find(
      (line) => line.dataset.sku === String(skuId) && !line.querySelector("[data-remove]").checked,
    );
  }

  function addLine(item) {
    const existing = lineFor(item.id);
    if (existing) {
      existing.querySelector('[data-qty="cases"]').focus();
      return;
    }
    const index = Number(totalForms.value);
    const holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replaceAll("__prefix__", String(index));
    const line = holder.firstElementChild;
    Object.assign(line.dataset, {
      sku: item.id, unitPrice: item.unit_price, taxRate: item.tax_rate, unitsPerCase: item.units_per_case,
    });
    line.querySelector("[data-sku-input]").value = item.id;
    line.querySelector("[data-sku-code]").textContent = item.code;
    line.querySelector("[data-sku-name]").textContent = item.name;
    line.querySelector("[data-available]").textContent = item.available;
    line.querySelector("[data-units-per-case-text]").textContent = item.units_per_case;
    line.querySelector("[data-price]").textContent = item.unit_price;
    line.querySelector("[data-tax]").textContent = item.tax_rate;
    linesBox.appendChild(line);
    totalForms.value = String(index + 1);
    recompute();
    line.querySelector('[data-qty="cases"]').focus();
  }

  function query(params) {
    const url = new URL(form.dataset.skusUrl, window.location.href);
    url.searchParams.set("outlet", form.dataset.outlet);
    if (warehouse) {
      url.searchParams.set("warehouse", warehouse.value);
    }
    Object.entries(params).forEach(([key, value]) => url.searchParams.set(key, value));
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(response.statusText))));
  }

  function showResults(items) {
    results.replaceChildren();
    if (!items.length) {
      const empty = document.createElement("li");
      empty.className = "list-group-item text-body-secondary px-0";
      empty.textContent = results.dataset.labelNone;
      results.appendChild(empty);
      return;
    }
    items.forEach((item) => {
      const row = document.createElement("li");
      row.className = "list-group-item d-flex justify-content-between align-items-center gap-2 px-0";
      row.dataset.code = item.code;
      const text = document.createElement("div");
      const code = document.createElement("span");
      code.className = "fw-semibold";
      code.textContent = item.code;
      const name = document.createElement("span");
      name.className = "small";
      name.textContent = " " + item.name;
      const facts = document.createElement("div");
      facts.className = "small text-body-secondary";
      facts.append(results.dataset.labelAvailable + ": ");
      const available = document.createElement("span");
      available.dataset.available = "";
      available.textContent = item.available;
      facts.append(available, ` · ${item.units_per_case} ${results.dataset.labelPerCase} · ${item.unit_price}`);
      text.append(code, name, facts);
      const button = document.createElement("button");
      button.type = "submit";
      button.name = "add_sku";
      button.value = item.id;
      button.className = "btn btn-outline-primary btn-sm";
      button.dataset.skuAdd = "";
      Object.assign(button.dataset, {
        id: item.id, code: item.code, name: item.name, unitsPerCase: item.units_per_case,
        unitPrice: item.unit_price, taxRate: item.tax_rate, available: item.available,
      });
      button.textContent = results.dataset.labelAdd;
      row.append(text, button);
      results.appendChild(row);
    });
  }

  let searchTimer = null;
  let searchSeq = 0;
  function runSearch() {
    const text = search.value.trim();
    const seq = ++searchSeq;
    if (!text) {
      results.replaceChildren();
      return;
    }
    query({ q: text }).then((data) => {
      if (seq === searchSeq) {
        showResults(data.items);
      }
    }).catch(() => {}); // the Search button still works
  }

  function refreshAvailability() {
    const ids = [...linesBox.querySelectorAll("[data-line]")].map((line) => line.dataset.sku).filter(Boolean);
    if (search.value.trim()) {
      runSearch();
    }
    if (!ids.length) {
      return;
    }
    query({ ids: ids.join(",") }).then((data) => {
      const available = Object.fromEntries(data.items.map((item) => [String(item.id), item.available]));
      linesBox.querySelectorAll("[data-line]").forEach((line) => {
        if (line.dataset.sku in available) {
          line.querySelector("[data-available]").textContent = available[line.dataset.sku];
        }
      });
      recompute();
    }).catch(() => {});
  }

  results.addEventListener("click", (event) => {
    const button = event.target.closest("[data-sku-add]");
    if (!button) {
      return;
    }
    event.preventDefault();
    const d = button.dataset;
    addLine({
      id: d.id, code: d.code, name: d.name, units_per_case: d.unitsPerCase,
      unit_price: d.unitPrice, tax_rate: d.taxRate, available: d.available,
    });
  });
  search.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 250);
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      clearTimeout(searchTimer);
      runSearch();
    }
  });
  linesBox.addEventListener("input", recompute);
  linesBox.addEventListener("change", recompute);
  if (warehouse) {
    warehouse.addEventListener("change", refreshAvailability);
  }

  let sending = false;
  form.addEventListener("submit", (event) => {
    const action = event.submitter && event.submitter.value;
    if (["draft", "submit", "save"].includes(action)) {
      if (sending) {
        event.preventDefault();
        return;
      }
      sending = true;
    }
  });
  window.addEventListener("pageshow", () => { sending = false; });
  form.dataset.enhanced = "true";
  recompute();
})();
