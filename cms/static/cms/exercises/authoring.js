/* The authoring screen's diagram: it fits the panel by default (the stylesheet does that without
   scripts too), and these controls zoom in and out, back to fit, or to the drawing's actual size;
   a zoomed diagram scrolls inside its panel, from its top left, where the start node's row begins. */
document.querySelectorAll(".parley-diagram").forEach(function (wrap) {
  var svg = wrap.querySelector("svg");
  var bar = wrap.previousElementSibling;
  if (!svg || !bar || !bar.classList.contains("parley-zoom")) { return; }
  var box = svg.viewBox.baseVal;
  var natural = { w: parseFloat(svg.getAttribute("width")) || box.width, h: parseFloat(svg.getAttribute("height")) || box.height };
  var level = bar.querySelector(".parley-zoom__level");
  var scale = null;  // null: fit the panel, in width and in height (its max-height is 80% of the window)

  function fitScale() {
    var style = window.getComputedStyle(wrap);
    var padX = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) + 2;
    var padY = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom) + 2;
    var width = wrap.clientWidth - padX, height = window.innerHeight * 0.8 - padY;
    return Math.min(1, width / natural.w, height / natural.h);
  }

  function current() { return scale === null ? fitScale() : scale; }

  function apply() {
    var shown = current();
    svg.style.width = Math.floor(natural.w * shown) + "px";
    wrap.classList.toggle("is-zoomed", scale !== null && shown > fitScale());
    level.textContent = Math.round(shown * 100) + "%";
  }

  bar.hidden = false;
  bar.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-zoom]");
    if (!button) { return; }
    var action = button.getAttribute("data-zoom");
    if (action === "fit") { scale = null; }
    if (action === "actual") { scale = 1; }
    if (action === "in") { scale = Math.min(3, current() * 1.25); }
    if (action === "out") { scale = Math.max(0.2, current() / 1.25); }
    apply();
  });
  window.addEventListener("resize", apply);
  apply();
});
