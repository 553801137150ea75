/* The result page while a worker grades: ask the API, reload when graded. */
(function () {
  "use strict";
  var url = JSON.parse(document.getElementById("wait-url").textContent);
  var config = JSON.parse(document.getElementById("wait-config").textContent);
  window.Parley.patience(document.getElementById("wait-text"), config.strings, config.waited);
  window.Parley.waitForGrade(url).then(function () {
    window.location.reload();
  }).catch(function () {
    setTimeout(function () { window.location.reload(); }, 5000);
  });
})();
