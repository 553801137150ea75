/* Parley: a tiny client for API v1 with the session cookie and the CSRF header. */
(function () {
  "use strict";
  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }
  function problem(body, fallback) {
    if (body && Array.isArray(body.errors) && body.errors.length) {
      return body.errors.map(function (e) { return e.detail; }).join(" ");
    }
    return fallback;
  }
  async function call(method, url, body, headers) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: Object.assign({ "Accept": "application/json" }, headers || {}),
    };
    if (method !== "GET") {
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRFToken"] = cookie("csrftoken");
      options.body = JSON.stringify(body || {});
    }
    var response = await fetch(url, options);
    var data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      var error = new Error(problem(data, response.statusText || "Request failed"));
      error.status = response.status;
      error.body = data;
      throw error;
    }
    return data;
  }
  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }
  /* Ask GET url until the attempt leaves submitted/grading; resolves with the attempt. */
  async function waitForGrade(url, onTick) {
    var delay = 700;
    for (var i = 0; i < 400; i++) {
      var attempt = await call("GET", url);
      if (attempt.status === "graded" || attempt.status === "failed") { return attempt; }
      if (onTick) { onTick(attempt, i); }
      await sleep(delay);
      delay = Math.min(delay * 1.25, 4000);
    }
    throw new Error("timeout");
  }
  /* While grading waits, the words change with time: past SLOW_AFTER seconds nothing may still
     promise "a few seconds". `since` is how long the answer has already waited (a reloaded page). */
  var SLOW_AFTER = 10, VERY_SLOW_AFTER = 35;
  function patience(element, strings, since) {
    var started = Date.now() - (since || 0) * 1000;
    function show() {
      var waited = (Date.now() - started) / 1000;
      var text = waited >= VERY_SLOW_AFTER ? strings.verySlow : waited >= SLOW_AFTER ? strings.slow : strings.waiting;
      if (element.textContent !== text) { element.textContent = text; }
    }
    show();
    var timer = setInterval(show, 1000);
    return function stop() { clearInterval(timer); };
  }
  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) { return String(values[key]); });
  }
  window.Parley = { call: call, sleep: sleep, waitForGrade: waitForGrade, format: format, patience: patience };
})();
