// Form helpers on every page, all optional: without JavaScript the server
// does the same work.
// - After a refusal, the focus goes to the first field marked invalid (or
//   the form's alert), so keyboard and screen-reader users start there.
// - On the criterion form, the machine key follows the English name until
//   it is edited by hand; left empty, the server derives it the same way.
(function () {
  "use strict";

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
})();
