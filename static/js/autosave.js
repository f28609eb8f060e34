// Autosave of a form that is saved as a whole with a version check: the application form's
// steps (application_form.js) and the expert's scorecard (scorecard.js). Nothing typed is lost:
// - every change is kept in this browser (localStorage under form.dataset.draftKey, with the
//   version and the stored values it was typed against) until the server confirms it;
// - the form is saved a moment after each change, and at once when the page is hidden or left
//   (fetch with keepalive, carrying the form's CSRF token like every other save);
// - a save the server refuses as stale (409 with the stored values), or text found in the browser
//   on load that the server does not have, is merged field by field against the stored values: a
//   field changed only here is kept, one changed only elsewhere is taken, one changed on both sides
//   shows both values at the field with a choice, and autosave waits until every choice is made;
// - a form the server reports locked stops saving.
// The page says its texts through data-* attributes of #autosave-status (saved, offline, restored,
// conflict, locked). Loaded as a file (CSP: no inline scripts).
//
// DraftAutosave(form, {skip, drop, delay, onChange, afterWrite}):
//   skip: names that are not the form's values (csrf, version … are always skipped);
//   drop: names removed from what autosave posts (e.g. the submit button's "action");
//   delay: milliseconds after the last change; onChange(): after any value changed (live totals);
//   afterWrite(element): after a value was written into a field (counters).
(function () {
  "use strict";
  var KEEP_DAYS = 30;

  window.DraftAutosave = function (form, options) {
    options = options || {};
    var status = document.getElementById("autosave-status");
    var skip = {csrfmiddlewaretoken: 1, version: 1, action: 1};
    (options.skip || []).forEach(function (name) { skip[name] = 1; });
    var drop = options.drop || [];
    var delay = options.delay || 1000;
    var onChange = options.onChange || function () {};
    var afterWrite = options.afterWrite || function () {};
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

    // --- values -----------------------------------------------------------------------------
    function names() {
      var seen = {}, list = [];
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && !skip[el.name] && !seen[el.name] && el.type !== "submit" && el.type !== "button") {
          seen[el.name] = 1;
          list.push(el.name);
        }
      });
      return list;
    }

    // Textareas give "\n" but a form post may have stored "\r\n": both are the same text.
    function norm(value) { return value == null ? "" : String(value).replace(/\r\n/g, "\n"); }

    function readValue(name) {
      var el = form.elements[name];
      if (!el) { return ""; }
      if (el instanceof RadioNodeList) { return el.value || ""; }
      if (el.type === "checkbox") { return el.checked ? (el.value || "on") : ""; }
      return norm(el.value);
    }

    function writeValue(name, value) {
      var el = form.elements[name];
      if (!el) { return; }
      if (el instanceof RadioNodeList) {
        Array.prototype.forEach.call(el, function (r) { r.checked = r.value === value; });
      } else if (el.type === "checkbox") {
        el.checked = value !== "";
      } else {
        el.value = norm(value);
        afterWrite(el);
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

    function setVersion(version) {
      baseVersion = String(version);
      document.querySelectorAll("input[name=version]").forEach(function (el) { el.value = baseVersion; });
    }

    // --- the copy kept in this browser ----------------------------------------------------
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

    // --- conflicts at the field -----------------------------------------------------------
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
      onChange();
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
      onChange();
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

    // --- saving ---------------------------------------------------------------------------
    function save(saveOptions) {
      if (timer) { clearTimeout(timer); timer = null; }
      if (!editable || submitting || pending()) { return Promise.resolve(); }
      var values = readValues();
      if (same(values, inflight ? sending : base)) { return inflight || Promise.resolve(); }
      remember();
      var data = new FormData(form);
      data.set("version", baseVersion);
      drop.forEach(function (name) { data.delete(name); });
      sending = values;
      var request = fetch(form.dataset.autosaveUrl, {
        method: "POST", body: data, credentials: "same-origin",
        keepalive: !!(saveOptions && saveOptions.keepalive),
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
        } else if (body.code === "locked") {
          editable = false;
          forget();
          setStatus(text("locked") || body.message || "", "error");
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

    function schedule(wait) {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(save, wait || delay);
    }

    function leaving() {
      if (submitting) { return; }
      if (!same(readValues(), base)) { remember(); }  // this tab typed last: its text is the one kept
      save({keepalive: true});
    }

    // --- start ----------------------------------------------------------------------------
    setVersion(form.elements.version.value);
    onChange();
    base = readValues();
    if (!editable) { forget(); return; }
    // Conflicts the server found on a form POST: the stored value is what the choice is made against.
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

    form.addEventListener("input", function () { onChange(); remember(); schedule(); });
    form.addEventListener("change", function () { onChange(); remember(); schedule(); });
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-conflict-use]");
      if (button) { chooseConflict(button); }
    });
    // Submitting sends the same values: a pending autosave must not race it (both would carry the
    // same version). One already on its way is awaited, so the submission carries the version it
    // answers with. Open choices between two values come first. confirm.js listens on the
    // document, after this handler: a cancelled confirmation leaves autosave running, so
    // `submitting` is set only once the event was not prevented.
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
      // The copy in this browser stays until the next page finds the server holding the same values.
      setTimeout(function () { if (!event.defaultPrevented) { submitting = true; } }, 0);
    });
    // A page that is hidden may never come back (a closed tab, a phone switching apps).
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { leaving(); }
    });
    window.addEventListener("pagehide", leaving);
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { submitting = false; }  // back from the page cache
    });
  };
})();
