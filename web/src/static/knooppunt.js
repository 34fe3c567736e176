// Knooppunt — the only script, and an optional one: every page works without it (the
// Content-Security-Policy allows this file alone, no inline script).
// - A live character counter under each textarea with `data-teller` (the id of the counter)
//   and `data-max`: no `maxlength`, which cuts a paste off without a word; the counter says
//   how much too long it is, and the server refuses it with the text kept in the field.
// - After "Voorbeeld", the preview is scrolled into view and gets the focus.
// - While someone types in a form of a signed-in page, the session is kept in use (`/sessie`,
//   at most every four minutes), and a notice says when it has ended meanwhile.
(function () {
  "use strict";
  var groups = new Intl.NumberFormat("nl-NL");
  function count(area, out) {
    var max = parseInt(area.getAttribute("data-max"), 10);
    var used = Array.from(area.value).length;
    var text = groups.format(used) + " van " + groups.format(max) + " tekens";
    if (used > max) {
      text += "; " + groups.format(used - max) + " te veel: kort de tekst in";
    } else if (used > max * 0.9) {
      text += "; nog " + groups.format(max - used) + " over";
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
  // The first keystroke asks at once: a page left open past the idle time says so then.
  var asked = 0;
  function expired(form) {
    if (document.getElementById("sessie-verlopen")) {
      return;
    }
    var note = document.createElement("p");
    note.id = "sessie-verlopen";
    note.className = "utrecht-alert utrecht-alert--error fout";
    note.setAttribute("role", "alert");
    note.textContent =
      "Uw sessie is verlopen. Kopieer wat u typte voordat u verder gaat: " +
      "log daarna opnieuw in en plak het in het formulier.";
    // Beside the buttons, where the eyes are before sending (also on a phone).
    var button = form.querySelector("button");
    if (button && button.parentNode) {
      button.parentNode.insertBefore(note, button);
    } else {
      form.appendChild(note);
    }
  }
  function keepAlive(form) {
    if (Date.now() - asked < 4 * 60 * 1000) {
      return;
    }
    asked = Date.now();
    fetch("/sessie", { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) {
        if (answer.status === 401) {
          expired(form);
        }
      })
      .catch(function () {});
  }
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    if (form.querySelector("input[name=csrf]")) {
      form.addEventListener("input", function () {
        keepAlive(form);
      });
    }
  });
  var preview = document.getElementById("voorbeeld");
  if (preview) {
    preview.setAttribute("tabindex", "-1");
    preview.scrollIntoView({ block: "start" });
    preview.focus({ preventScroll: true });
  }
})();
