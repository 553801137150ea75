/* The scenario player: one node at a time through API v1, then a waiting state until the worker grades. */
(function () {
  "use strict";
  var P = window.Parley;
  var cfg = JSON.parse(document.getElementById("player-config").textContent);
  var S = cfg.strings;
  var stage = document.getElementById("stage");
  var heading = document.getElementById("stage-h");
  var nodeBox = document.getElementById("node");
  var live = document.getElementById("live");
  var errors = document.getElementById("errors");
  var pathList = document.getElementById("path-list");
  var pathEmpty = document.getElementById("path-empty");
  var startBox = document.getElementById("controls-start");
  var startButton = document.getElementById("start-button");
  var attemptId = null;
  var current = null;
  var step = 0;
  var busy = false;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function url(template) { return template.replace("{id}", String(attemptId)); }
  function words(text) {
    var found = text.normalize("NFKD").replace(/\p{M}/gu, "").match(/[\p{L}\p{N}_]+/gu);
    return found ? found.length : 0;
  }
  function showError(message) { errors.replaceChildren(el("p", "message message-error", message)); }
  function clearError() { errors.replaceChildren(); }

  function addPath(text, label, move) {
    var item = el("li");
    item.appendChild(el("p", "path-situation", text));
    var answer = el("p", "path-move");
    answer.appendChild(el("strong", null, label + ": "));
    answer.appendChild(document.createTextNode(move));
    item.appendChild(answer);
    pathList.appendChild(item);
    pathEmpty.hidden = true;
  }

  function setBusy(value) {
    busy = value;
    stage.setAttribute("aria-busy", value ? "true" : "false");
    nodeBox.querySelectorAll("button, textarea").forEach(function (control) { control.disabled = value; });
  }

  function renderNode(node) {
    current = node;
    clearError();
    nodeBox.replaceChildren();
    stage.dataset.state = node.type;
    if (node.type === "outcome") {
      heading.textContent = S.outcome;
    } else {
      step += 1;
      heading.textContent = P.format(S.step, { n: step });
    }
    nodeBox.appendChild(el("p", "situation", node.text));
    if (node.type === "choice") {
      var prompt = el("p", "prompt", S.chooseOne);
      prompt.id = "choice-prompt";
      nodeBox.appendChild(prompt);
      var list = el("ul", "choices");
      list.setAttribute("aria-labelledby", "choice-prompt");
      node.choices.forEach(function (choice) {
        var item = el("li");
        var button = el("button", "choice", choice.text);
        button.type = "button";
        button.dataset.choice = choice.id;
        button.addEventListener("click", function () {
          send({ choice: choice.id }, node.text, choice.text);
        });
        item.appendChild(button);
        list.appendChild(item);
      });
      nodeBox.appendChild(list);
    } else if (node.type === "reply") {
      var form = el("form", "reply-form");
      form.noValidate = true;
      var label = el("label", null, S.yourReply);
      label.htmlFor = "reply";
      var limits = el("p", "hint", P.format(S.wordRange, { min: node.min_words, max: node.max_words }));
      limits.id = "reply-limits";
      var area = el("textarea");
      area.id = "reply";
      area.name = "reply";
      area.rows = 6;
      area.setAttribute("aria-describedby", "reply-limits reply-count");
      var count = el("p", "word-count", "0 " + S.words);
      count.id = "reply-count";
      var update = function () {
        var n = words(area.value);
        count.textContent = n + " " + S.words;
        var bad = n > node.max_words || (n > 0 && n < node.min_words);
        count.classList.toggle("over", bad);
      };
      area.addEventListener("input", update);
      var submit = el("button", null, S.send);
      submit.type = "submit";
      form.append(label, limits, area, count, submit);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var n = words(area.value);
        if (n < node.min_words) { showError(P.format(S.tooShort, { min: node.min_words })); area.focus(); return; }
        if (n > node.max_words) { showError(P.format(S.tooLong, { max: node.max_words })); area.focus(); return; }
        send({ reply: area.value }, node.text, area.value);
      });
      nodeBox.appendChild(form);
    } else {
      stage.classList.add("is-outcome");
      waitForGrade();
    }
    heading.focus();
  }

  async function send(move, situation, echo) {
    if (busy) { return; }
    setBusy(true);
    try {
      var data = await P.call("POST", url(cfg.stepUrl), move);
      addPath(situation, S.you, echo);
      setBusy(false);
      renderNode(data.node);
    } catch (error) {
      setBusy(false);
      showError(error.message || S.error);
    }
  }

  async function waitForGrade() {
    var waiting = el("div", "waiting");
    waiting.appendChild(el("span", "spinner"));
    var words = el("span", null, S.waiting);
    words.setAttribute("role", "status");
    waiting.appendChild(words);
    nodeBox.appendChild(waiting);
    live.textContent = S.reached;
    P.patience(words, S, 0);
    try {
      var attempt = await P.waitForGrade(url(cfg.attemptUrl));
      if (attempt.status === "graded") {
        live.textContent = S.graded;
        window.location.assign(url(cfg.resultUrl));
      } else {
        showError(S.failed);
      }
    } catch (error) {
      showError(S.stillWaiting);
      window.location.assign(url(cfg.resultUrl));
    }
  }

  async function start() {
    if (busy) { return; }
    setBusy(true);
    startButton.disabled = true;
    try {
      if (cfg.resume) {
        attemptId = cfg.resume.id;
        cfg.resume.path.forEach(function (row) {
          step += 1;
          addPath(row.text, S.you, row.choice !== undefined ? row.choice : row.reply);
        });
        startBox.hidden = true;
        setBusy(false);
        renderNode(cfg.resume.node);
      } else {
        var data = await P.call("POST", cfg.startUrl, {});
        attemptId = data.id;
        startBox.hidden = true;
        setBusy(false);
        renderNode(data.node);
      }
    } catch (error) {
      setBusy(false);
      startButton.disabled = false;
      showError(error.message || S.error);
    }
  }

  startButton.addEventListener("click", start);
  stage.dataset.ready = "true";
})();
