/* The quiz form: POST the answers to API v1 as {"answers": ...}, then open the result page.
   Before that, an ordering question whose steps do not each have their own position shows its error
   beside it, and questions left unanswered are listed in a summary with "Submit anyway".
   Without JavaScript the same form posts to the page, which calls the same service and shows the
   same summary and errors. */
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  var errors = document.getElementById("quiz-errors");
  var summary = document.getElementById("quiz-summary");
  var list = document.getElementById("quiz-unanswered");
  var back = document.getElementById("quiz-back");

  function showError(set, text) {
    var box = set.querySelector(".errorlist");
    box.querySelector("li").textContent = text;
    box.hidden = !text;
    set.classList.toggle("has-error", Boolean(text));
    if (text) { set.setAttribute("aria-describedby", box.id); } else { set.removeAttribute("aria-describedby"); }
  }

  function showSummary(unanswered) {
    list.textContent = "";
    unanswered.forEach(function (set) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + set.id;
      link.textContent = summary.dataset.item.replace("%(n)s", set.dataset.number);
      item.appendChild(link);
      var text = set.querySelector("legend").textContent.replace(/^\s*\d+\.\s*/, "").trim();
      item.appendChild(document.createTextNode(": " + (text.length > 90 ? text.slice(0, 89) + "…" : text)));
      list.appendChild(item);
    });
    back.href = "#" + unanswered[0].id;
    summary.hidden = false;
    summary.focus();
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var confirmed = event.submitter && event.submitter.name === "confirm";
    var answers = {};
    var firstProblem = null;
    var unanswered = [];
    form.querySelectorAll("fieldset[data-question]").forEach(function (set) {
      var id = set.dataset.question, type = set.dataset.type;
      var problem = "";
      if (type === "single" || type === "multiple") {
        var chosen = Array.from(set.querySelectorAll("input:checked")).map(function (i) { return i.value; });
        if (chosen.length) { answers[id] = chosen; }
      } else if (type === "order") {
        var selects = set.querySelectorAll("select");
        var pairs = Array.from(selects).filter(function (s) { return s.value; })
          .map(function (s) { return [Number(s.value), s.dataset.option]; });
        if (pairs.length) {
          var positions = new Set(pairs.map(function (p) { return p[0]; }));
          if (pairs.length !== selects.length || positions.size !== pairs.length) {
            problem = form.dataset.orderError;
            firstProblem = firstProblem || set;
          }
          pairs.sort(function (a, b) { return a[0] - b[0]; });
          answers[id] = pairs.map(function (p) { return p[1]; });
        }
      } else {
        var value = set.querySelector("input").value.trim();
        if (value) { answers[id] = value; }
      }
      showError(set, problem);
      if (!(id in answers)) { unanswered.push(set); }
    });
    errors.textContent = "";
    if (firstProblem) {
      summary.hidden = true;
      firstProblem.querySelector("select").focus();
      return;
    }
    if (unanswered.length && !confirmed) {
      showSummary(unanswered);
      return;
    }
    summary.hidden = true;
    var buttons = form.querySelectorAll("button[type=submit]");
    buttons.forEach(function (b) { b.disabled = true; });
    try {
      var key = form.querySelector("input[name=idempotency_key]").value;
      var attempt = await window.Parley.call("POST", form.dataset.api, { answers: answers }, { "Idempotency-Key": key });
      window.location.assign(form.dataset.result.replace("/0/", "/" + attempt.id + "/"));
    } catch (error) {
      buttons.forEach(function (b) { b.disabled = false; });
      errors.textContent = error.message;
    }
  });
})();
