// The home page's overview: the tile-grid map (switchable by batch, tier and list), declared
// against known per batch, and the documents on a timeline. The numbers come from the page's own
// JSON (the same the tables beside the charts list); every mark links to its page.
(function () {
  "use strict";
  if (typeof echarts === "undefined" || typeof LgTileGrid === "undefined") { return; }
  var config = JSON.parse(document.getElementById("lg-overview").textContent);
  var data = config.data, t = config.t;
  var charts = [];

  function tiles(facet) {
    var counts = data.counts[facet] || {};
    return data.regions.map(function (r) {
      return {
        code: LgTileGrid.tileOf(r.iri), label: r.label, short: r.short,
        value: counts[r.iri] || 0, href: r.href,
      };
    }).filter(function (tile) { return tile.code !== null; });
  }

  var mapElement = document.getElementById("overview-map");
  var map = LgTileGrid.draw(mapElement, tiles(""));
  charts.push(map);
  document.getElementById("map-facet").addEventListener("change", function (event) {
    map.dispose();
    map = LgTileGrid.draw(mapElement, tiles(event.target.value));
    charts[0] = map;
  });

  var batches = echarts.init(document.getElementById("overview-batches"), null, { renderer: "svg" });
  batches.setOption({
    aria: { enabled: true },
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: [t.declared, t.known], top: 0 },
    grid: { left: 56, right: 16, top: 40, bottom: 72 },
    xAxis: { type: "category", data: data.batches.map(function (b) { return b.label; }),
             axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value" },
    series: [
      { name: t.declared, type: "bar", label: { show: true, position: "top" },
        data: data.batches.map(function (b) { return b.declared; }) },
      { name: t.known, type: "bar", label: { show: true, position: "top" },
        data: data.batches.map(function (b) { return b.known; }) },
    ],
  });
  batches.on("click", function (p) { window.location.href = data.batches[p.dataIndex].href; });
  charts.push(batches);

  var kinds = [];
  data.documents.forEach(function (d) { if (kinds.indexOf(d.kind) < 0) { kinds.push(d.kind); } });
  var timeline = echarts.init(document.getElementById("overview-documents"), null, { renderer: "svg" });
  timeline.setOption({
    aria: { enabled: true },
    animation: false,
    tooltip: { formatter: function (p) { return p.data.doc.date + "<br>" + echarts.format.encodeHTML(p.data.doc.label); } },
    grid: { left: 96, right: 24, top: 16, bottom: 48 },
    xAxis: { type: "time" },
    yAxis: { type: "category", data: kinds },
    series: [{
      name: t.documents, type: "scatter", symbolSize: 12,
      data: data.documents.map(function (d) { return { value: [d.date, d.kind], doc: d }; }),
    }],
  });
  timeline.on("click", function (p) { window.location.href = p.data.doc.href; });
  charts.push(timeline);

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
