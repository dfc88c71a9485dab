// The tile-grid map of the 37 reporting regions: one square per region, placed roughly where the
// region lies (column west→east, row north→south). Squares rather than boundaries: no boundary
// geometry is shipped, so none can be disputed or out of date, and the five separately-planned
// cities and the XPCC, which report on their own, get a square of their own beside their province.
// Drawn with the vendored ECharts; used by the home page, the region pages and the query page.
(function () {
  "use strict";
  // GB/T 2260 code (the XPCC has none: "xpcc") → [column, row]
  var GRID = {
    "230000": [9, 0], "220000": [9, 1], "150000": [5, 2], "110000": [6, 2], "210000": [8, 2],
    "650000": [0, 2], "xpcc": [1, 2],
    "630000": [2, 3], "620000": [3, 3], "640000": [4, 3], "140000": [5, 3], "130000": [6, 3],
    "120000": [7, 3], "210200": [8, 3],
    "540000": [2, 4], "610000": [4, 4], "410000": [5, 4], "370000": [6, 4], "370200": [7, 4],
    "510000": [3, 5], "500000": [4, 5], "420000": [5, 5], "340000": [6, 5], "320000": [7, 5],
    "310000": [8, 5],
    "530000": [3, 6], "520000": [4, 6], "430000": [5, 6], "360000": [6, 6], "330000": [7, 6],
    "330200": [8, 6],
    "450000": [4, 7], "440000": [5, 7], "350000": [6, 7], "350200": [7, 7],
    "460000": [4, 8], "440300": [5, 8],
  };
  var PLANNED = { "210200": 1, "370200": 1, "330200": 1, "350200": 1, "440300": 1 };

  // The tile a value names: a region IRI (…/province/110000, …/region/xpcc), a GB/T 2260 code of
  // any level (330212 → 宁波市's tile, 330100 → 浙江省's), or nothing.
  function tileOf(value) {
    if (value === undefined || value === null) { return null; }
    var text = String(value);
    var m = /\/(?:province|region)\/([0-9]{6}|xpcc)(?:\.html)?$/.exec(text);
    var code = m ? m[1] : (/^[0-9]{6}$/.test(text) ? text : null);
    if (code === null) { return null; }
    if (GRID[code]) { return code; }
    if (GRID[code.slice(0, 4) + "00"] && PLANNED[code.slice(0, 4) + "00"]) { return code.slice(0, 4) + "00"; }
    if (GRID[code.slice(0, 2) + "0000"]) { return code.slice(0, 2) + "0000"; }
    return null;
  }

  // Draw the grid into `element`. tiles: [{code, label, value, href}] (codes from tileOf);
  // a region without an entry is drawn empty. Returns the ECharts instance.
  function draw(element, tiles, options) {
    options = options || {};
    var byCode = {};
    tiles.forEach(function (t) { byCode[t.code] = t; });
    var max = 0;
    var data = Object.keys(GRID).map(function (code) {
      var t = byCode[code] || { code: code, label: code, value: 0, href: null };
      t.short = t.short || t.label;
      max = Math.max(max, t.value || 0);
      return { value: [GRID[code][0], GRID[code][1], t.value || 0], tile: t, planned: !!PLANNED[code] || code === "xpcc" };
    });
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true, label: { description: options.description || "" } },
      animation: false,
      tooltip: {
        formatter: function (p) { return p.data.tile.label + ": " + p.data.value[2]; },
      },
      grid: { left: 4, right: 4, top: 4, bottom: 48 },
      xAxis: { type: "value", min: -0.5, max: 9.5, show: false },
      yAxis: { type: "value", min: -0.5, max: 8.5, inverse: true, show: false },
      visualMap: {
        min: 0, max: Math.max(max, 1), dimension: 2, orient: "horizontal", left: "center",
        bottom: 0, calculable: false, text: [String(Math.max(max, 1)), "0"],
        inRange: { color: ["#eef3fa", "#0b5cad"] },
      },
      series: [{
        type: "custom",
        data: data,
        renderItem: function (params, api) {
          var item = data[params.dataIndex];
          var centre = api.coord([api.value(0), api.value(1)]);
          var size = api.size([1, 1]);
          var w = size[0] * 0.94, h = size[1] * 0.94;
          var dark = api.value(2) > max * 0.55;
          return {
            type: "group",
            children: [{
              type: "rect",
              shape: { x: centre[0] - w / 2, y: centre[1] - h / 2, width: w, height: h, r: 3 },
              style: {
                fill: api.visual("color"),
                stroke: item.planned ? "#b35c00" : "#8a99ab",
                lineWidth: item.planned ? 2 : 1,
                lineDash: item.planned ? [4, 2] : null,
              },
            }, {
              type: "text",
              style: {
                x: centre[0], y: centre[1], align: "center", verticalAlign: "middle",
                text: item.tile.short + "\n" + api.value(2),
                fill: dark ? "#fff" : "#1b1b1b", fontSize: Math.max(9, Math.min(13, w / 5)),
              },
            }],
          };
        },
      }],
    });
    chart.on("click", function (p) {
      if (p.data && p.data.tile && p.data.tile.href) { window.location.href = p.data.tile.href; }
    });
    return chart;
  }

  window.LgTileGrid = { GRID: GRID, tileOf: tileOf, draw: draw };
})();
