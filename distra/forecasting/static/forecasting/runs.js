/* Reload the forecast page every 5 s while a run is queued or running, so its progress moves. */
(function () {
  "use strict";
  const runs = document.getElementById("runs");
  if (runs && runs.dataset.running) {
    window.setTimeout(() => window.location.reload(), 5000);
  }
})();
