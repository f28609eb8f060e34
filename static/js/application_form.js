// Autosave for the application form: saves the step as typed a moment after each change,
// carries the draft's version so a second tab is detected, and shows character counts.
(function () {
  "use strict";
  var form = document.querySelector("form.autosave");
  var status = document.getElementById("autosave-status");
  var stopped = false;
  var timer = null;
  var inflight = null;

  function setStatus(text, kind) {
    if (!status) { return; }
    status.textContent = text;
    status.className = "autosave-status " + (kind || "");
  }

  function save() {
    timer = null;  // fired: nothing is pending any more (else leaving the page would save again)
    if (!form || stopped) { return Promise.resolve(); }
    var data = new FormData(form);
    inflight = fetch(form.dataset.autosaveUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"X-Requested-With": "XMLHttpRequest"}
    }).then(function (response) {
      return response.json().then(function (body) { return {status: response.status, body: body}; });
    }).then(function (result) {
      if (result.status === 200 && result.body.ok) {
        form.querySelector("input[name=version]").value = result.body.version;
        document.querySelectorAll("input[name=version]").forEach(function (el) { el.value = result.body.version; });
        setStatus((document.documentElement.lang.indexOf("en") === 0 ? "Draft saved at " : "草稿已自动保存 ") + result.body.saved_at, "ok");
      } else if (result.status === 409) {
        stopped = true;
        setStatus(result.body.message, "error");
      } else {
        setStatus(result.body.message || "", "error");
      }
    }).catch(function () {
      setStatus(document.documentElement.lang.indexOf("en") === 0 ? "Could not save (offline?)" : "保存失败（网络中断？）", "error");
    }).then(function () { inflight = null; });
    return inflight;
  }

  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 1200);
  }

  function updateCounter(area) {
    var counter = document.querySelector('[data-counter-for="' + area.id + '"]');
    if (!counter) { return; }
    var max = parseInt(area.dataset.maxlength || "0", 10);
    var min = parseInt(area.dataset.minlength || "0", 10);
    var n = area.value.length;
    counter.textContent = n + " / " + max;
    counter.className = "counter small" + ((n > max || n < min) ? " warn" : "");
  }

  if (form) {
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.querySelectorAll("textarea[data-maxlength]").forEach(function (area) {
      updateCounter(area);
      area.addEventListener("input", function () { updateCounter(area); });
    });
    // Submitting the step saves the same values: a pending autosave must not race it (both would
    // carry the same version and one would be refused as a conflict). One already on its way is
    // awaited, so the submission carries the version it answers with.
    form.addEventListener("submit", function (event) {
      if (timer) { clearTimeout(timer); timer = null; }
      if (inflight) {
        event.preventDefault();
        var submitter = event.submitter;
        inflight.then(function () { form.requestSubmit(submitter || undefined); });
      }
    });
    window.addEventListener("beforeunload", function () {
      if (timer) { clearTimeout(timer); navigator.sendBeacon && navigator.sendBeacon(form.dataset.autosaveUrl, new FormData(form)); }
    });
  }
})();
