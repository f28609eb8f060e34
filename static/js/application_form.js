// Autosave for the application form. Nothing typed is lost:
// - every change is kept in this browser (localStorage, keyed by user, application and step, with
//   the version and the stored values it was typed against) until the server confirms it;
// - the step is saved a moment after each change, and at once when the page is hidden or left
//   (fetch with keepalive, carrying the form's CSRF token like every other save);
// - a save the server refuses as stale, or text found in the browser on load that the server
//   does not have, is merged field by field against the stored values: a field changed only
//   here is kept, one changed only elsewhere is taken, one changed on both sides shows both
//   texts at the field with a choice, and autosave waits until every such choice is made.
(function () {
  "use strict";
  var form = document.querySelector("form.autosave");
  var status = document.getElementById("autosave-status");
  if (!form) { return; }
  var NOT_STEP = {csrfmiddlewaretoken: 1, version: 1, step: 1, goto: 1, action: 1};
  var KEEP_DAYS = 30;
  var key = form.dataset.draftKey;
  var editable = form.dataset.editable === "1";
  var timer = null, inflight = null, sending = null, submitting = false, refusals = 0;
  var base = {}, baseVersion = "";

  function text(name) { return (status && status.dataset[name]) || ""; }

  function setStatus(message, kind) {
    if (!status) { return; }
    status.textContent = message;
    status.className = "autosave-status " + (kind || "");
  }

  function names() {
    var seen = {}, list = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && !NOT_STEP[el.name] && !seen[el.name] && el.type !== "submit" && el.type !== "button") {
        seen[el.name] = 1;
        list.push(el.name);
      }
    });
    return list;
  }

  function readValue(name) {
    var el = form.elements[name];
    if (!el) { return ""; }
    if (el instanceof RadioNodeList) { return el.value || ""; }
    if (el.type === "checkbox") { return el.checked ? (el.value || "on") : ""; }
    return el.value == null ? "" : String(el.value);
  }

  function writeValue(name, value) {
    var el = form.elements[name];
    if (!el) { return; }
    if (el instanceof RadioNodeList) {
      Array.prototype.forEach.call(el, function (r) { r.checked = r.value === value; });
    } else if (el.type === "checkbox") {
      el.checked = value !== "";
    } else {
      el.value = value;
      if (el.tagName === "TEXTAREA") { updateCounter(el); }
    }
  }

  function readValues() {
    var values = {};
    names().forEach(function (name) { values[name] = readValue(name); });
    return values;
  }

  function same(a, b) {
    return names().every(function (name) { return norm(a[name]) === norm(b[name]); });
  }

  function norm(value) { return value == null ? "" : String(value); }

  function setVersion(version) {
    baseVersion = String(version);
    document.querySelectorAll("input[name=version]").forEach(function (el) { el.value = baseVersion; });
  }

  // --- the copy kept in this browser ------------------------------------------------------
  function remember() {
    if (!key) { return; }
    try {
      var conflicts = {};
      form.querySelectorAll(".draft-conflict").forEach(function (box) {
        conflicts[box.dataset.conflictFor] = box.dataset.stored;
      });
      localStorage.setItem(key, JSON.stringify({v: baseVersion, base: base, values: readValues(),
                                                conflicts: conflicts, t: Date.now()}));
    } catch (e) { /* storage full or disabled: the server save still runs */ }
  }

  function forget() {
    try { if (key) { localStorage.removeItem(key); } } catch (e) { /* nothing kept */ }
  }

  function recalled() {
    try {
      var entry = key && JSON.parse(localStorage.getItem(key) || "null");
      if (entry && entry.values && Date.now() - (entry.t || 0) < KEEP_DAYS * 86400000) { return entry; }
    } catch (e) { /* damaged entry: ignored */ }
    return null;
  }

  // --- conflicts at the field -------------------------------------------------------------
  function shown(name, value) {
    var el = form.elements[name];
    if (el && el.tagName === "SELECT") {
      var option = Array.prototype.find.call(el.options, function (o) { return o.value === value; });
      return option ? option.textContent.trim() : value;
    }
    if (el instanceof RadioNodeList) {
      var radio = Array.prototype.find.call(el, function (r) { return r.value === value; });
      var label = radio && (radio.closest("label") || (radio.labels && radio.labels[0]));
      return label ? label.textContent.trim() : value;
    }
    return value;
  }

  function conflictBox(name) {
    return form.querySelector('.draft-conflict[data-conflict-for="' + CSS.escape(name) + '"]');
  }

  function pending() { return form.querySelectorAll(".draft-conflict").length > 0; }

  function showConflict(name, stored, mine) {
    var template = document.getElementById("draft-conflict-template");
    var el = form.elements[name];
    var field = el instanceof RadioNodeList ? el[0] : el;
    if (!template || !field) { return; }
    var old = conflictBox(name);
    if (old) { old.remove(); }
    var box = template.content.firstElementChild.cloneNode(true);
    box.dataset.conflictFor = name;
    box.dataset.stored = stored;
    box.querySelector(".conflict-stored").textContent = shown(name, stored);
    box.querySelector(".conflict-mine").textContent = shown(name, mine);
    (field.closest(".field, td") || form).appendChild(box);
  }

  function chooseConflict(button) {
    var box = button.closest(".draft-conflict");
    var name = box.dataset.conflictFor;
    if (button.dataset.conflictUse === "stored") { writeValue(name, box.dataset.stored); }
    base[name] = box.dataset.stored;  // the choice is made against the stored version
    box.remove();
    remember();
    if (!pending()) { setStatus("", ""); save(); }
  }

  function merge(typedAgainst, mine, stored, version) {
    var conflicts = 0, restored = false;
    names().forEach(function (name) {
      var b = norm(typedAgainst[name]), l = norm(mine[name]), s = norm(stored[name]);
      if (l === s) { return; }
      if (l === b) { writeValue(name, s); return; }  // changed elsewhere only: the newer value
      writeValue(name, l);
      if (s === b) { restored = true; return; }  // changed here only: kept, to be saved
      showConflict(name, s, l);
      conflicts += 1;
    });
    base = {};
    names().forEach(function (name) { base[name] = norm(stored[name]); });
    setVersion(version);
    remember();
    return {conflicts: conflicts, restored: restored};
  }

  function afterMerge(result) {
    if (result.conflicts) {
      setStatus(text("conflict"), "error conflict");
    } else if (!same(readValues(), base)) {
      save();
    } else {
      forget();
    }
  }

  // --- saving -----------------------------------------------------------------------------
  function save(options) {
    if (timer) { clearTimeout(timer); timer = null; }
    if (!editable || submitting || pending()) { return Promise.resolve(); }
    var values = readValues();
    if (same(values, inflight ? sending : base)) { return inflight || Promise.resolve(); }
    remember();
    var data = new FormData(form);
    data.set("version", baseVersion);
    sending = values;
    var request = fetch(form.dataset.autosaveUrl, {
      method: "POST", body: data, credentials: "same-origin", keepalive: !!(options && options.keepalive),
      headers: {"X-Requested-With": "XMLHttpRequest"}
    }).then(function (response) {
      return response.json().then(function (body) { return {status: response.status, body: body}; });
    }).then(function (result) {
      var body = result.body || {};
      if (result.status === 200 && body.ok) {
        refusals = 0;
        base = values;
        setVersion(body.version);
        if (same(readValues(), values)) { forget(); } else { remember(); }
        setStatus(body.message || (text("saved") + " " + body.saved_at), body.message ? "error" : "ok");
      } else if (result.status === 409 && body.stored && refusals < 3) {
        refusals += 1;
        inflight = null;
        afterMerge(merge(base, readValues(), body.stored, body.version));
      } else {
        setStatus(body.message || "", "error");
      }
    }).catch(function () {
      setStatus(text("offline"), "error");
      schedule(5000);
    }).then(function () {
      if (inflight === request) { inflight = null; sending = null; }
    });
    inflight = request;
    return request;
  }

  function schedule(delay) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, delay || 1200);
  }

  function leaving() {
    if (submitting) { return; }
    if (!same(readValues(), base)) { remember(); }  // this tab typed last: its text is the one kept
    save({keepalive: true});
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

  // --- start --------------------------------------------------------------------------------
  form.querySelectorAll("textarea[data-maxlength]").forEach(function (area) {
    updateCounter(area);
    area.addEventListener("input", function () { updateCounter(area); });
  });
  setVersion(form.elements.version.value);
  base = readValues();
  if (!editable) { forget(); return; }
  // Conflicts the server found on a step POST: the stored value is what the choice is made against.
  form.querySelectorAll(".draft-conflict").forEach(function (box) { base[box.dataset.conflictFor] = box.dataset.stored; });
  var entry = recalled();
  if (entry) {
    var stored = readValues();
    var result = merge(entry.base || {}, entry.values, stored, baseVersion);
    // A choice left open before the page was left is offered again while both texts differ.
    Object.keys(entry.conflicts || {}).forEach(function (name) {
      if (!conflictBox(name) && readValue(name) !== norm(stored[name])) {
        showConflict(name, norm(stored[name]), readValue(name));
        result.conflicts += 1;
      }
    });
    if (result.restored) { setStatus(text("restored"), "ok"); }
    form.querySelectorAll(".draft-conflict").forEach(function (box) { base[box.dataset.conflictFor] = box.dataset.stored; });
    afterMerge(result);
  }
  if (pending()) { setStatus(text("conflict"), "error conflict"); }

  form.addEventListener("input", function () { remember(); schedule(); });
  form.addEventListener("change", function () { remember(); schedule(); });
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-conflict-use]");
    if (button) { chooseConflict(button); }
  });
  // Submitting the step saves the same values: a pending autosave must not race it (both would
  // carry the same version). One already on its way is awaited, so the submission carries the
  // version it answers with. Open choices between two texts are made first.
  form.addEventListener("submit", function (event) {
    if (timer) { clearTimeout(timer); timer = null; }
    if (pending()) {
      event.preventDefault();
      setStatus(text("conflict"), "error conflict");
      form.querySelector(".draft-conflict").scrollIntoView({block: "center"});
      return;
    }
    if (inflight) {
      event.preventDefault();
      var submitter = event.submitter;
      inflight.then(function () { form.requestSubmit(submitter || undefined); });
      return;
    }
    submitting = true;
  });
  // A page that is hidden may never come back (a closed tab, a phone switching apps).
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { leaving(); }
  });
  window.addEventListener("pagehide", leaving);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { submitting = false; }  // back from the page cache
  });
})();
