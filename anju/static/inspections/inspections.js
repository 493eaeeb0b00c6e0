// Spot-check pages (no inline scripts: CSP). Everything works without JavaScript; this only
// adds a problem row on demand, refuses oversized photos at once and focuses error summaries.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) { summary.focus(); }
    var add = document.querySelector("[data-add-problem]");
    if (add) { add.hidden = false; }
  });

  // "再登记一个问题": clone the formset's empty form with the next index.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-problem]");
    if (!button) { return; }
    var form = button.closest("form");
    var total = form.querySelector("input[name$='-TOTAL_FORMS']");
    var max = form.querySelector("input[name$='-MAX_NUM_FORMS']");
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) { button.disabled = true; return; }
    var template = form.querySelector("template[data-empty-problem]");
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var card = holder.firstElementChild;
    var title = card.querySelector("h3");
    if (title) { title.textContent = "问题 " + (index + 1); }
    form.querySelector("[data-problems]").appendChild(card);
    total.value = String(index + 1);
    var first = card.querySelector("select, textarea");
    if (first) { first.focus(); }
  });

  // Refuse a photo over the size limit before it is sent.
  document.addEventListener("change", function (event) {
    var input = event.target;
    var form = input && input.closest && input.closest("[data-visit-form]");
    if (!form || input.type !== "file") { return; }
    var old = form.querySelector(".js-size-error");
    if (old) { old.remove(); }
    var limit = parseInt(form.getAttribute("data-max-bytes"), 10);
    var files = Array.prototype.slice.call(input.files || []);
    if (limit && files.some(function (f) { return f.size > limit; })) {
      var error = document.createElement("div");
      error.className = "invalid-feedback d-block js-size-error";
      error.setAttribute("role", "alert");
      error.textContent = form.getAttribute("data-too-large");
      input.insertAdjacentElement("afterend", error);
      input.value = "";
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-visit-form]")) { return; }
    var button = form.querySelector("[data-saving-label]");
    if (button) {
      window.setTimeout(function () {
        button.disabled = true;
        button.textContent = button.getAttribute("data-saving-label");
      }, 0);
    }
  });
})();
