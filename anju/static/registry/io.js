// The import page: warn before uploading a file over the size limit, and keep the upload
// button from being pressed twice while a big file is on its way. No inline scripts (CSP).
(function () {
  "use strict";
  var form = document.querySelector("[data-import-form]");
  if (!form) { return; }
  var input = form.querySelector("input[type=file][data-max-bytes]");
  var warning = form.querySelector("[data-size-warning]");
  var button = form.querySelector("button[type=submit]");
  function tooBig() {
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    return input.files && input.files[0] && limit && input.files[0].size > limit;
  }
  if (input && warning) {
    input.addEventListener("change", function () {
      warning.classList.toggle("d-none", !tooBig());
    });
  }
  form.addEventListener("submit", function (event) {
    if (input && tooBig()) { event.preventDefault(); return; }
    if (button) {
      if (button.disabled) { event.preventDefault(); return; }
      window.setTimeout(function () {
        button.disabled = true;
        button.textContent = button.getAttribute("data-busy-label") || button.textContent;
      }, 0);
    }
  });
})();
