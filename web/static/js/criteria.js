// Live shares for the criteria editor. As a weight is typed, every row's
// share of its group and share of the total are recomputed from the weight
// fields, formatted in the page's language (the table carries the decimal
// separator and the percent suffix), and the weights form is told, so that
// htmx asks the server for the preview of the ranking. The server computes
// the same shares when the page loads and when the weights are saved.
(function () {
  "use strict";

  const table = document.getElementById("criteria-table");
  const form = document.getElementById("weights");
  if (!table) {
    return;
  }
  const decimal = table.dataset.decimal || ".";
  const suffix = table.dataset.percentSuffix || "%";

  // parse reads a weight in the page language's grammar, as the server
  // does: its decimal mark only (the other one is refused), thousands
  // grouped by thin or no-break spaces or apostrophes (and spaces in
  // French), finite, from 0 to 1,000,000. NaN when it is not one.
  const foreign = decimal === "," ? "." : ",";
  const group = decimal === "," ? /[ \u00a0\u202f\u2009'\u2019]/g : /[\u00a0\u202f\u2009'\u2019]/g;
  function parse(text) {
    const t = text.trim();
    if (t.includes(foreign)) {
      return NaN;
    }
    const s = t.replace(group, "").replace(decimal, ".");
    if (!/^\+?(\d+\.?\d*|\.\d+)$/.test(s)) {
      return NaN;
    }
    const v = Number(s);
    return v >= 0 && v <= 1e6 ? v : NaN;
  }

  function percent(share) {
    if (!Number.isFinite(share)) {
      return "—";
    }
    return (share * 100).toFixed(1).replace(".", decimal) + suffix;
  }

  function recompute() {
    const rows = Array.from(table.querySelectorAll("tr[data-criterion]"));
    const weight = new Map();
    const sum = new Map();
    rows.forEach(function (row) {
      const input = row.querySelector("input[data-weight]");
      const w = input ? parse(input.value) : NaN;
      if (input && Number.isNaN(w)) {
        input.setAttribute("aria-invalid", "true");
      } else if (input) {
        input.removeAttribute("aria-invalid");
      }
      weight.set(row.dataset.criterion, w);
      // One unreadable weight leaves its whole group without shares, as
      // on the server: NaN propagates through the sum.
      sum.set(row.dataset.parent, (sum.has(row.dataset.parent) ? sum.get(row.dataset.parent) : 0) + w);
    });
    // Rows are in tree order, so a group's total share is known before
    // its criteria's.
    const effective = new Map([["0", 1]]);
    rows.forEach(function (row) {
      const total = sum.get(row.dataset.parent);
      const w = weight.get(row.dataset.criterion);
      const share = total > 0 && !Number.isNaN(w) ? w / total : NaN;
      const eff = (effective.has(row.dataset.parent) ? effective.get(row.dataset.parent) : NaN) * share;
      effective.set(row.dataset.criterion, eff);
      row.querySelector("[data-share]").textContent = percent(share);
      row.querySelector("[data-effective]").textContent = percent(eff);
    });
  }

  table.addEventListener("input", function (evt) {
    if (!evt.target.matches("input[data-weight]")) {
      return;
    }
    recompute();
    if (form) {
      form.dispatchEvent(new Event("weights-changed"));
    }
  });

  // Removing a criterion asks first; a group takes its criteria with it.
  document.addEventListener("submit", function (evt) {
    const message = evt.target.dataset && evt.target.dataset.confirm;
    if (message && !window.confirm(message)) {
      evt.preventDefault();
    }
  });
})();
