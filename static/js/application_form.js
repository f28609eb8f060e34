// The application form: autosave with the safety static/js/autosave.js describes (nothing typed
// is lost across reloads, tabs and dropped connections), and the character counters of the
// long texts.
(function () {
  "use strict";
  var form = document.querySelector("form.autosave");
  if (!form || !window.DraftAutosave) { return; }

  function updateCounter(area) {
    if (area.tagName !== "TEXTAREA") { return; }
    var counter = document.querySelector('[data-counter-for="' + area.id + '"]');
    if (!counter) { return; }
    var max = parseInt(area.dataset.maxlength || "0", 10);
    var min = parseInt(area.dataset.minlength || "0", 10);
    var n = area.value.length;
    counter.textContent = n + " / " + max;
    counter.className = "counter small" + ((n > max || n < min) ? " warn" : "");
  }

  form.querySelectorAll("textarea[data-maxlength]").forEach(function (area) {
    updateCounter(area);
    area.addEventListener("input", function () { updateCounter(area); });
  });
  // "step" and "goto" say where the form is, not what was typed; the server needs them posted.
  window.DraftAutosave(form, {skip: ["step", "goto"], delay: 1200, afterWrite: updateCounter});
})();
