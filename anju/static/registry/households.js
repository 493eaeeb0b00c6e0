// The household pages' small behaviours (no inline scripts: CSP). Everything also works
// without JavaScript; this only makes it nicer on a phone.
(function () {
  "use strict";

  // Changing the township empties the village before the filter form submits
  // (capture phase: runs before app.js's data-autosubmit listener).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.id === "f-township" && el.form) {
      var village = el.form.querySelector("#f-village");
      if (village) { village.value = ""; }
    }
  }, true);

  // An error summary takes the focus, so a screen reader hears it and the phone scrolls to it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) { summary.focus(); }
  });

  // Photo upload: refuse an oversized file at once, preview the chosen photo, show progress.
  document.addEventListener("change", function (event) {
    var input = event.target;
    var form = input && input.closest && input.closest("[data-photo-form]");
    if (!form || input.type !== "file") { return; }
    var preview = form.querySelector("[data-photo-preview]");
    var file = input.files && input.files[0];
    var old = form.querySelector(".js-size-error");
    if (old) { old.remove(); }
    if (!file) { if (preview) { preview.hidden = true; } return; }
    var limit = parseInt(form.getAttribute("data-max-bytes"), 10);
    if (limit && file.size > limit) {
      var error = document.createElement("div");
      error.className = "invalid-feedback d-block js-size-error";
      error.setAttribute("role", "alert");
      error.textContent = form.getAttribute("data-too-large");
      input.insertAdjacentElement("afterend", error);
      input.value = "";
      if (preview) { preview.hidden = true; }
      return;
    }
    if (preview && /^image\/(jpeg|png)$/.test(file.type)) {
      var img = preview.querySelector("img");
      if (img.src) { URL.revokeObjectURL(img.src); }
      img.src = URL.createObjectURL(file);
      preview.hidden = false;
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-photo-form]")) { return; }
    var button = form.querySelector("[data-uploading-label]");
    if (button) {
      button.disabled = true;
      button.textContent = button.getAttribute("data-uploading-label");
    }
  });

  // Unmasked personal data hides itself again after a while.
  document.addEventListener("htmx:afterSwap", function () {
    var shown = document.querySelector("[data-remask-after]");
    if (!shown) { return; }
    var seconds = parseInt(shown.getAttribute("data-remask-after"), 10) || 60;
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  });
})();
