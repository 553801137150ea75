/* The quiz form: POST the answers to API v1 as {"answers": ...}, then open the result page.
   Without JavaScript the same form posts to the page, which calls the same service. */
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  var errors = document.getElementById("quiz-errors");
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var answers = {};
    var problem = "";
    form.querySelectorAll("fieldset[data-question]").forEach(function (set) {
      var id = set.dataset.question, type = set.dataset.type;
      if (type === "single" || type === "multiple") {
        var chosen = Array.from(set.querySelectorAll("input:checked")).map(function (i) { return i.value; });
        if (chosen.length) { answers[id] = chosen; }
      } else if (type === "order") {
        var pairs = Array.from(set.querySelectorAll("select")).filter(function (s) { return s.value; })
          .map(function (s) { return [Number(s.value), s.dataset.option]; });
        if (pairs.length) {
          var positions = new Set(pairs.map(function (p) { return p[0]; }));
          if (pairs.length !== set.querySelectorAll("select").length || positions.size !== pairs.length) {
            problem = set.querySelector("legend").textContent.trim();
          }
          pairs.sort(function (a, b) { return a[0] - b[0]; });
          answers[id] = pairs.map(function (p) { return p[1]; });
        }
      } else {
        var value = set.querySelector("input").value.trim();
        if (value) { answers[id] = value; }
      }
    });
    if (problem) {
      errors.textContent = form.dataset.orderError + " (" + problem + ")";
      return;
    }
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      var key = form.querySelector("input[name=idempotency_key]").value;
      var attempt = await window.Parley.call("POST", form.dataset.api, { answers: answers }, { "Idempotency-Key": key });
      window.location.assign(form.dataset.result.replace("/0/", "/" + attempt.id + "/"));
    } catch (error) {
      button.disabled = false;
      errors.textContent = error.message;
    }
  });
})();
