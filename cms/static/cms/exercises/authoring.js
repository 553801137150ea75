/* The authoring screen: start a wide diagram scrolled to its middle, where the start node is. */
document.querySelectorAll(".parley-diagram").forEach(function (wrap) {
  wrap.scrollLeft = (wrap.scrollWidth - wrap.clientWidth) / 2;
});
