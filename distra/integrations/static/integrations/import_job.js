// Follows a running import job on its page: polls the job's API address (the session signs the
// request) and moves the progress bar; reloads the page once the job has finished, to show the
// report the server renders.
(function () {
  "use strict";
  var section = document.getElementById("import-job");
  if (!section || section.dataset.finished === "true") {
    return;
  }
  var progress = section.querySelector(".progress");
  var bar = section.querySelector(".progress-bar");
  var rowsDone = section.querySelector("[data-rows-done]");
  var status = section.querySelector("[data-status]");
  var delay = 1000;

  function show(job) {
    var percent = job.rows_total ? Math.floor((100 * job.rows_done) / job.rows_total) : 0;
    progress.setAttribute("aria-valuenow", String(percent));
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    rowsDone.textContent = String(job.rows_done);
    status.textContent = section.dataset["label" + job.status.charAt(0).toUpperCase() + job.status.slice(1)] || job.status;
  }

  function poll() {
    fetch(section.dataset.pollUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (job) {
        if (job.status === "succeeded" || job.status === "failed") {
          window.location.reload();
          return;
        }
        show(job);
        delay = 1000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000); // the server is busy or gone: back off
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
