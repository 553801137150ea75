/* Start each wide diagram scrolled to its middle, where the start node is. */
document.querySelectorAll(".diagram-wrap").forEach(function (wrap) {
  wrap.scrollLeft = (wrap.scrollWidth - wrap.clientWidth) / 2;
});
