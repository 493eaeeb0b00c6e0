// Anju's small behaviours. No inline scripts anywhere (CSP); behaviour hangs on data- attributes.
(function () {
  "use strict";
  // <button data-confirm="…"> asks before submitting.
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // <button data-print> opens the browser's print dialog (paper forms, audit anchors).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });
  // <select data-autosubmit> submits its form on change (filters).
  document.addEventListener("change", function (event) {
    var el = event.target.closest("[data-autosubmit]");
    if (el && el.form) { el.form.requestSubmit(); }
  });
  // Logging out clears the visit drafts kept on this phone (answers, signature).
  document.addEventListener("submit", function (event) {
    var action = event.target.getAttribute("action") || "";
    if (action.indexOf("/account/logout/") === -1) { return; }
    try {
      Object.keys(window.localStorage).forEach(function (key) {
        if (key.indexOf("anju-visit:") === 0) { window.localStorage.removeItem(key); }
      });
    } catch (err) { /* storage unavailable: nothing to clear */ }
  });
})();
