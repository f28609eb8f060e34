// The scorecard page: live points and totals, the band description beside each choice, and
// autosave with the same safety as the application form (static/js/application_form.js):
// - every change is kept in this browser (localStorage, keyed by user and scorecard, with the
//   version and stored values it was typed against) until the server confirms it;
// - the scorecard is saved a moment after each change, and at once when the page is hidden;
// - a save the server refuses as stale (409, another tab saved first) is merged field by field:
//   a field changed only here is kept, one changed only elsewhere is taken, one changed on both
//   sides shows both values at the field with a choice; autosave waits until each is made.
// Loaded as a file (CSP: no inline scripts); the band texts come from data-bands.
(function () {
  "use strict";
  var form = document.getElementById("scorecard-form");
  var status = document.getElementById("autosave-status");
  if (!form) { return; }
  var SKIP = {csrfmiddlewaretoken: 1, version: 1, action: 1};
  var KEEP_DAYS = 30;
  var key = form.dataset.draftKey;
  var editable = form.dataset.editable === "1";
  var bands = [];
  try { bands = JSON.parse(form.dataset.bands || "[]"); } catch (e) { bands = []; }
  var timer = null, inflight = null, sending = null, submitting = false, refusals = 0;
  var base = {}, baseVersion = "";

  function text(name) { return (status && status.dataset[name]) || ""; }

  function setStatus(message, kind) {
    if (!status) { return; }
    status.textContent = message;
    status.className = "autosave-status " + (kind || "");
  }

  // --- points, totals, bands ------------------------------------------------------------------
  function fmt(value) {
    var s = (Math.round(value * 100) / 100).toFixed(2);
    return s.replace(/\.?0+$/, "") || "0";
  }

  function bandText(percent, type) {
    if (percent === "" || percent == null) { return ""; }
    var p = parseInt(percent, 10);
    for (var i = 0; i < bands.length; i++) {
      if (p >= bands[i].low && p <= bands[i].high) { return type === "result" ? bands[i].result : bands[i].process; }
    }
    return "";
  }

  function recompute() {
    var categories = {}, total = 0;
    form.querySelectorAll("fieldset.scorecard-item").forEach(function (item) {
      var id = item.dataset.item, max = parseInt(item.dataset.points, 10);
      var select = item.querySelector("select");
      var value = select ? select.value : "";
      var pts = value === "" ? null : parseInt(value, 10) * max / 100;
      var cat = item.dataset.categoryOf;
      categories[cat] = (categories[cat] || 0) + (pts || 0);
      total += pts || 0;
      var shownPts = form.querySelector('[data-points-for="' + id + '"]');
      if (shownPts) { shownPts.textContent = pts === null ? "—" : fmt(pts); }
      var band = form.querySelector('[data-band-for="' + id + '"]');
      if (band) { band.textContent = bandText(value, item.dataset.itemType); }
    });
    Object.keys(categories).forEach(function (cat) {
      var el = form.querySelector('[data-category-total="' + cat + '"]');
      if (el) { el.textContent = fmt(categories[cat]); }
    });
    var t = document.getElementById("scorecard-total");
    if (t) { t.textContent = fmt(total); }
  }

  // --- values -------------------------------------------------------------------------------
  function names() {
    var list = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && !SKIP[el.name] && el.type !== "submit" && el.type !== "button") { list.push(el.name); }
    });
    return list;
  }
  function norm(value) { return value == null ? "" : String(value).replace(/\r\n/g, "\n"); }
  function readValue(name) { var el = form.elements[name]; return el ? norm(el.value) : ""; }
  function writeValue(name, value) { var el = form.elements[name]; if (el) { el.value = norm(value); } }
  function readValues() { var v = {}; names().forEach(function (n) { v[n] = readValue(n); }); return v; }
  function same(a, b) { return names().every(function (n) { return norm(a[n]) === norm(b[n]); }); }
  function setVersion(version) { baseVersion = String(version); form.elements.version.value = baseVersion; }

  // --- the copy kept in this browser --------------------------------------------------------
  function remember() {
    if (!key) { return; }
    try {
      var conflicts = {};
      form.querySelectorAll(".draft-conflict").forEach(function (box) { conflicts[box.dataset.conflictFor] = box.dataset.stored; });
      localStorage.setItem(key, JSON.stringify({v: baseVersion, base: base, values: readValues(), conflicts: conflicts, t: Date.now()}));
    } catch (e) { /* storage full or disabled: the server save still runs */ }
  }
  function forget() { try { if (key) { localStorage.removeItem(key); } } catch (e) { /* nothing kept */ } }
  function recalled() {
    try {
      var entry = key && JSON.parse(localStorage.getItem(key) || "null");
      if (entry && entry.values && Date.now() - (entry.t || 0) < KEEP_DAYS * 86400000) { return entry; }
    } catch (e) { /* damaged entry: ignored */ }
    return null;
  }

  // --- conflicts at the field ---------------------------------------------------------------
  function shown(name, value) {
    var el = form.elements[name];
    if (el && el.tagName === "SELECT") {
      var option = Array.prototype.find.call(el.options, function (o) { return o.value === value; });
      return option ? option.textContent.trim() : value;
    }
    return value;
  }
  function conflictBox(name) { return form.querySelector('.draft-conflict[data-conflict-for="' + CSS.escape(name) + '"]'); }
  function pending() { return form.querySelectorAll(".draft-conflict").length > 0; }
  function showConflict(name, stored, mine) {
    var template = document.getElementById("draft-conflict-template");
    var field = form.elements[name];
    if (!template || !field) { return; }
    var old = conflictBox(name);
    if (old) { old.remove(); }
    var box = template.content.firstElementChild.cloneNode(true);
    box.dataset.conflictFor = name;
    box.dataset.stored = stored;
    box.querySelector(".conflict-stored").textContent = shown(name, stored);
    box.querySelector(".conflict-mine").textContent = shown(name, mine);
    (field.closest(".field") || form).appendChild(box);
  }
  function chooseConflict(button) {
    var box = button.closest(".draft-conflict");
    var name = box.dataset.conflictFor;
    if (button.dataset.conflictUse === "stored") { writeValue(name, box.dataset.stored); }
    base[name] = box.dataset.stored;
    box.remove();
    recompute();
    remember();
    if (!pending()) { setStatus("", ""); save(); }
  }
  function merge(typedAgainst, mine, stored, version) {
    var conflicts = 0, restored = false;
    names().forEach(function (name) {
      var b = norm(typedAgainst[name]), l = norm(mine[name]), s = norm(stored[name]);
      if (l === s) { return; }
      if (l === b) { writeValue(name, s); return; }
      writeValue(name, l);
      if (s === b) { restored = true; return; }
      showConflict(name, s, l);
      conflicts += 1;
    });
    base = {};
    names().forEach(function (name) { base[name] = norm(stored[name]); });
    setVersion(version);
    recompute();
    remember();
    return {conflicts: conflicts, restored: restored};
  }
  function afterMerge(result) {
    if (result.conflicts) { setStatus(text("conflict"), "error conflict"); }
    else if (!same(readValues(), base)) { save(); }
    else { forget(); }
  }

  // --- saving -------------------------------------------------------------------------------
  function save(options) {
    if (timer) { clearTimeout(timer); timer = null; }
    if (!editable || submitting || pending()) { return Promise.resolve(); }
    var values = readValues();
    if (same(values, inflight ? sending : base)) { return inflight || Promise.resolve(); }
    remember();
    var data = new FormData(form);
    data.set("version", baseVersion);
    data.delete("action");
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
        setStatus(text("saved") + " " + body.saved_at, "ok");
      } else if (result.status === 409 && body.stored && refusals < 3) {
        refusals += 1;
        inflight = null;
        afterMerge(merge(base, readValues(), body.stored, body.version));
      } else if (body.code === "locked") {
        editable = false;
        forget();
        setStatus(text("locked"), "error");
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
    timer = setTimeout(save, delay || 1000);
  }
  function leaving() {
    if (submitting) { return; }
    if (!same(readValues(), base)) { remember(); }
    save({keepalive: true});
  }

  // --- start --------------------------------------------------------------------------------
  setVersion(form.elements.version.value);
  recompute();
  base = readValues();
  if (!editable) { forget(); return; }
  form.querySelectorAll(".draft-conflict").forEach(function (box) { base[box.dataset.conflictFor] = box.dataset.stored; });
  var entry = recalled();
  if (entry) {
    var stored = readValues();
    var result = merge(entry.base || {}, entry.values, stored, baseVersion);
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

  form.addEventListener("input", function () { recompute(); remember(); schedule(); });
  form.addEventListener("change", function () { recompute(); remember(); schedule(); });
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-conflict-use]");
    if (button) { chooseConflict(button); }
  });
  // Submitting (save or submit) sends the same values: a pending autosave is awaited so the
  // submission carries the version it answers with. Open choices between two values come first.
  // confirm.js listens on the document, after this handler: a cancelled confirmation leaves
  // autosave running, so `submitting` is set only once the event was not prevented.
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
    setTimeout(function () { if (!event.defaultPrevented) { submitting = true; forget(); } }, 0);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { leaving(); }
  });
  window.addEventListener("pagehide", leaving);
  window.addEventListener("pageshow", function (event) { if (event.persisted) { submitting = false; } });
})();
