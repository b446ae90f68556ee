// The job's page reloads itself while the job runs (the <noscript> meta does it without script).
(function () {
  var marker = document.getElementById("job-refresh");
  if (marker) setTimeout(function () { location.reload(); }, Number(marker.dataset.seconds) * 1000);
})();
