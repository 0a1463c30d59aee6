// Form helpers on every page, all optional: without JavaScript the server
// does the same work.
// - After a refusal, the focus goes to the first field marked invalid (or
//   the form's alert), so keyboard and screen-reader users start there.
// - On the criterion form, the machine key follows the English name until
//   it is edited by hand; left empty, the server derives it the same way.
// - A long multiple choice (the vendor's languages) gets a filter box, a
//   click toggles one choice without Ctrl, and the chosen ones are listed
//   under it. Without JavaScript it is a plain multiple select.
// - A page that answers a refused step at the step's address (the
//   evaluation page after a refused status change, say) puts its own
//   address back in the address bar, so that a refresh reloads it rather
//   than sending the step again. Without JavaScript the browser asks before
//   sending it again, and the step is refused again or taken once.
(function () {
  "use strict";

  const main = document.querySelector("main[data-address]");
  if (main && window.location.pathname !== main.dataset.address) {
    window.history.replaceState(window.history.state, "", main.dataset.address);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (document.activeElement && document.activeElement !== document.body) {
      return;
    }
    const invalid = document.querySelector("main [aria-invalid=true]");
    if (invalid) {
      invalid.focus();
    }
  });

  // keyFromName is bpo.KeyFromName: lower case, accents dropped, runs of
  // other characters as one underscore, starting with a letter, 63 at most.
  function keyFromName(name) {
    const words = name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, " ").trim().replace(/^[0-9 ]+/, "");
    return words.split(" ").filter(Boolean).join("_").slice(0, 63).replace(/_+$/, "");
  }

  document.addEventListener("DOMContentLoaded", function () {
    const key = document.querySelector("form[data-testid=criterion-form] input#key");
    const name = document.querySelector("form[data-testid=criterion-form] input#name_en");
    if (!key || !name) {
      return;
    }
    let manual = key.value !== "" && key.value !== keyFromName(name.value);
    key.addEventListener("input", function () {
      manual = key.value !== "";
    });
    name.addEventListener("input", function () {
      if (!manual) {
        key.value = keyFromName(name.value);
      }
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[multiple]").forEach(function (select) {
      if (select.options.length < 20) {
        return;
      }
      const label = select.closest("label");
      const name = label ? label.firstChild.textContent.trim() : "";
      const filter = document.createElement("input");
      filter.type = "search";
      filter.className = "choice-filter";
      filter.setAttribute("aria-label", name);
      filter.placeholder = name + " …";
      select.before(filter);
      const chosen = document.createElement("p");
      chosen.className = "chosen";
      chosen.setAttribute("aria-live", "polite");
      select.after(chosen);
      const fold = function (s) {
        return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
      };
      const show = function () {
        chosen.textContent = "";
        Array.from(select.selectedOptions).forEach(function (o) {
          const b = document.createElement("span");
          b.className = "badge";
          b.textContent = o.textContent;
          chosen.appendChild(b);
        });
      };
      filter.addEventListener("input", function () {
        const q = fold(filter.value.trim());
        Array.from(select.options).forEach(function (o) {
          o.hidden = q !== "" && !fold(o.textContent).includes(q);
        });
      });
      select.addEventListener("mousedown", function (evt) {
        if (evt.target.tagName === "OPTION") {
          evt.preventDefault();
          evt.target.selected = !evt.target.selected;
          select.focus();
          show();
        }
      });
      select.addEventListener("change", show);
      show();
    });
  });
})();
