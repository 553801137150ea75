// Copy buttons for the join code and link: shown only where the clipboard can be written, so without
// scripts (or without the clipboard) the code and link stay there to select by hand.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) { return; }
  var status = document.querySelector(".copy-status");
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = source.value !== undefined ? source.value : source.textContent;
      navigator.clipboard.writeText(text.trim()).then(function () {
        if (status) { status.textContent = status.getAttribute("data-copied"); }
        button.setAttribute("data-done", "true");
      });
    });
  });
})();
