// Polls a run's progress while it runs, and reloads the page when it has finished.
(function () {
  "use strict";
  var box = document.querySelector(".progress[data-progress-url]");
  if (!box || (box.dataset.status !== "running" && box.dataset.status !== "queued")) { return; }
  var bar = box.querySelector(".bar");
  function poll() {
    fetch(box.dataset.progressUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      bar.style.width = data.progress + "%";
      var chunks = document.getElementById("run-chunks");
      if (chunks) { chunks.textContent = data.chunks_done + "/" + data.chunks_total; }
      if (data.status === "running" || data.status === "queued") { setTimeout(poll, 1000); } else { window.location.reload(); }
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
