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
  // A box that scrolls sideways (a wide table, a row of tabs) says so: a line above it, and
  // a fade on the side where more is hidden. Checked on load, on resize and as it scrolls.
  var SIDEWAYS = ".table-responsive, .overflow-auto, .overflow-x-auto, [data-scroll-x]";
  function sideways(box) {
    var more = box.scrollWidth - box.clientWidth > 1;
    var hint = box.previousElementSibling;
    var has = hint && hint.classList.contains("scroll-hint");
    if (more && !has) {
      hint = document.createElement("p");
      hint.className = "scroll-hint";
      hint.setAttribute("aria-hidden", "true");
      hint.textContent = "左右滑动可查看更多 ⇄";
      box.parentNode.insertBefore(hint, box);
    } else if (!more && has) {
      hint.remove();
    }
    box.classList.toggle("scrolls-x", more);
    box.classList.toggle("more-right", more && box.scrollLeft + box.clientWidth < box.scrollWidth - 1);
    box.classList.toggle("more-left", more && box.scrollLeft > 1);
  }
  function allSideways() { document.querySelectorAll(SIDEWAYS).forEach(sideways); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", allSideways);
  } else {
    allSideways();
  }
  window.addEventListener("load", allSideways);
  window.addEventListener("resize", allSideways);
  document.addEventListener("scroll", function (event) {
    var el = event.target;
    if (el.matches && el.matches(SIDEWAYS)) { sideways(el); }
  }, true);
  document.addEventListener("htmx:afterSettle", allSideways);
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
