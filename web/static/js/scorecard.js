// Autosave feedback for the scorecard page. htmx swaps the server's answer
// to a save (saved, 409 conflict, 422 invalid); this script covers what it
// leaves alone — a refusal, a server fault, no network — so a rating that
// was not saved never looks saved, and keeps a submit from overtaking a
// save still on its way.
(function () {
  "use strict";

  function criterionForm(evt) {
    const elt = evt.detail && evt.detail.elt;
    return elt && elt.matches && elt.matches("form.criterion") ? elt : null;
  }

  function setState(form, text, state) {
    const box = form.querySelector("[data-testid=save-state]");
    if (!box || !text) {
      return;
    }
    box.textContent = "";
    const small = document.createElement("small");
    small.textContent = text;
    if (state === "error") {
      small.className = "field-error";
      small.setAttribute("role", "alert");
    }
    box.appendChild(small);
    box.dataset.state = state;
  }

  document.addEventListener("htmx:beforeRequest", function (evt) {
    const form = criterionForm(evt);
    if (form) {
      setState(form, form.dataset.saving, "saving");
    }
  });

  function notSaved(evt) {
    const form = criterionForm(evt);
    if (form) {
      setState(form, form.dataset.notSaved, "error");
    }
  }
  document.addEventListener("htmx:responseError", notSaved);
  document.addEventListener("htmx:sendError", notSaved);

  // Saves of two criteria may answer out of order: an answer about an
  // older version of the scorecard than the page shows must not put back
  // its older count, subtotal or version (the next submit would be refused
  // as stale).
  function scorecardVersion(elt) {
    return parseInt(elt.id === "scorecard-version" ? elt.value : elt.dataset.version, 10);
  }
  document.addEventListener("htmx:oobBeforeSwap", function (evt) {
    const target = evt.detail.target;
    const incoming = evt.detail.fragment && evt.detail.fragment.firstElementChild;
    if (!target || !incoming || (target.id !== "scorecard-summary" && target.id !== "scorecard-version")) {
      return;
    }
    if (scorecardVersion(incoming) < scorecardVersion(target)) {
      evt.detail.shouldSwap = false;
    }
  });

  // A change saves once it has settled (the form's trigger delay): until
  // its request starts, the form is marked as holding an unsaved change.
  document.addEventListener("change", function (evt) {
    const form = evt.target.closest && evt.target.closest("form.criterion[data-hx-post]");
    if (form) {
      form.dataset.pending = "1";
    }
  });
  document.addEventListener("htmx:beforeRequest", function (evt) {
    const form = criterionForm(evt);
    if (form) {
      delete form.dataset.pending;
    }
  });

  // Clicking "Submit" blurs a justification box, whose change starts a
  // save; the submission waits for every save, settled or still on its
  // way, so it is based on the scorecard's latest version and nothing
  // typed is lost.
  function savesPending() {
    return document.querySelector("form.criterion.htmx-request, form.criterion[data-pending]") !== null;
  }

  document.addEventListener("submit", function (evt) {
    const form = evt.target;
    if (!form.matches("[data-scorecard-submit]") || !savesPending()) {
      return;
    }
    evt.preventDefault();
    if (form.dataset.waiting) {
      return;
    }
    form.dataset.waiting = "1";
    const retry = function () {
      setTimeout(function () {
        if (savesPending() || !form.dataset.waiting) {
          return;
        }
        document.removeEventListener("htmx:afterRequest", retry);
        delete form.dataset.waiting;
        form.requestSubmit();
      }, 0);
    };
    document.addEventListener("htmx:afterRequest", retry);
  });
})();
