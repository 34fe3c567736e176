// Knooppunt — the only script, and an optional one: every page works without it (the
// Content-Security-Policy allows this file alone, no inline script).
// - A live character counter under each textarea with `data-teller` (the id of the counter).
// - After "Voorbeeld", the preview is scrolled into view and gets the focus.
(function () {
  "use strict";
  var groups = new Intl.NumberFormat("nl-NL");
  function count(area, out) {
    var max = parseInt(area.getAttribute("maxlength"), 10);
    var used = Array.from(area.value).length;
    var text = groups.format(used) + " van " + groups.format(max) + " tekens";
    if (used > max * 0.9) {
      text += "; nog " + groups.format(Math.max(max - used, 0)) + " over";
    }
    out.textContent = text;
    out.classList.toggle("teller-bijna", used > max * 0.9);
  }
  document.querySelectorAll("textarea[data-teller]").forEach(function (area) {
    var out = document.getElementById(area.getAttribute("data-teller"));
    if (!out) {
      return;
    }
    count(area, out);
    area.addEventListener("input", function () {
      count(area, out);
    });
  });
  var preview = document.getElementById("voorbeeld");
  if (preview) {
    preview.setAttribute("tabindex", "-1");
    preview.scrollIntoView({ block: "start" });
    preview.focus({ preventScroll: true });
  }
})();
