// Shows a run's progress, polls it while the run runs, and reloads the page when it has finished.
// The bar's width is set here (the CSSOM) rather than in a style attribute, which the
// Content-Security-Policy (style-src 'self') refuses.
(function () {
  "use strict";
  var box = document.querySelector(".progress[data-progress-url]");
  if (!box) { return; }
  var bar = box.querySelector(".bar");
  function show(progress) {
    var value = Math.max(0, Math.min(100, Number(progress) || 0));
    bar.style.width = value + "%";
  }
  show(bar.dataset.progress);
  if (box.dataset.status !== "running" && box.dataset.status !== "queued") { return; }
  function poll() {
    fetch(box.dataset.progressUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      show(data.progress);
      var chunks = document.getElementById("run-chunks");
      if (chunks) { chunks.textContent = data.chunks_done + "/" + data.chunks_total; }
      if (data.status === "running" || data.status === "queued") { setTimeout(poll, 1000); } else { window.location.reload(); }
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
