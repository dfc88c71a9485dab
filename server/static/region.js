// A region's page: the tile-grid map with the squares of this region (and of the planned cities
// within a province) coloured by their firms; the other squares drawn empty for orientation.
(function () {
  "use strict";
  if (typeof echarts === "undefined" || typeof LgTileGrid === "undefined") { return; }
  var tiles = JSON.parse(document.getElementById("lg-region").textContent).map(function (t) {
    return { code: LgTileGrid.tileOf(t.iri), label: t.label, short: t.short, value: t.value, href: t.href };
  }).filter(function (t) { return t.code !== null; });
  var chart = LgTileGrid.draw(document.getElementById("region-map"), tiles);
  window.addEventListener("resize", function () { chart.resize(); });
})();
