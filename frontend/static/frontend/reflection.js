// Saves a reflection without leaving the lesson: the same form the page posts without scripts, sent
// with Accept: application/json. The status line (role="status") says when it was saved, or why not.
(function () {
  "use strict";
  document.querySelectorAll("form[data-reflection]").forEach(function (form) {
    var status = form.querySelector(".reflection-status");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "Accept": "application/json" },
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (answer) {
        status.textContent = answer.ok ? answer.body.saved : answer.body.errors[0].detail;
        status.classList.toggle("error", !answer.ok);
      }).catch(function () {
        form.submit();  // the network or the answer failed: post the form the plain way
      }).then(function () { button.disabled = false; });
    });
  });
})();
