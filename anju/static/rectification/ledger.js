// The ledger pages. No inline script (CSP): behaviour hangs on data- attributes.
(function () {
  "use strict";
  // In the entry form, Enter in the household search box searches; Enter in any other
  // single-line field saves (the browser would otherwise press the first button: 查找).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing) { return; }
    var input = event.target;
    var form = input.closest && input.closest("[data-entry-form]");
    if (!form || input.tagName !== "INPUT") { return; }
    if (input.type === "checkbox" || input.type === "radio") { return; }
    event.preventDefault();
    var button = input.hasAttribute("data-find-input")
      ? form.querySelector("[data-find-button]")
      : form.querySelector("[data-default-submit]");
    if (button) { button.click(); }
  });
})();
