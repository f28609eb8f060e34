// The scorecard page: live points and totals and the band description beside each choice;
// autosave as static/js/autosave.js describes (nothing typed is lost across reloads, tabs and
// dropped connections; a submitted scorecard stops saving). The band texts come from data-bands.
(function () {
  "use strict";
  var form = document.getElementById("scorecard-form");
  if (!form || !window.DraftAutosave) { return; }
  var bands = [];
  try { bands = JSON.parse(form.dataset.bands || "[]"); } catch (e) { bands = []; }

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

  // The submit button's "action" is not sent by autosave (it only saves).
  window.DraftAutosave(form, {drop: ["action"], delay: 1000, onChange: recompute});
})();
