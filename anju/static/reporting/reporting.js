// Weekly reporting: bring the current week's column into view in the township × week grid
// (on a phone the grid scrolls sideways inside its box). No inline script (CSP).
(function () {
  "use strict";
  function scrollToCurrent() {
    document.querySelectorAll("[data-rep-scroll-to]").forEach(function (box) {
      var target = box.querySelector(box.getAttribute("data-rep-scroll-to"));
      var sticky = box.querySelector(".rep-sticky");
      if (!target) { return; }
      var offset = target.offsetLeft - (sticky ? sticky.offsetWidth : 0);
      box.scrollLeft = Math.max(0, offset);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scrollToCurrent);
  } else {
    scrollToCurrent();
  }
})();
