// Result views for the query page, as plugins of the vendored YASR: a table with labels, plain
// numbers and dates and links to this host's pages; a bar/line chart; the tile-grid map (rows
// with a region IRI or a GB/T 2260 code); a timeline (rows with dates). A comment in the query,
// `#view:map` (table, chart, map, timeline), opens the results in that view.
(function () {
  "use strict";
  if (typeof Yasr === "undefined" || typeof echarts === "undefined") { return; }
  var config = JSON.parse(document.getElementById("lg-query-config").textContent);
  var base = config.base.replace(/\/$/, "") + "/";
  var lang = document.documentElement.lang === "en" ? "en" : "zh";
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = ["integer", "decimal", "double", "float", "int", "long", "short", "nonNegativeInteger", "positiveInteger"];
  var DATES = ["date", "dateTime", "gYear", "gYearMonth"];
  var labels = {};  // IRI → label in the reader's language, fetched once per result

  function href(iri) { return iri.indexOf(base) === 0 ? "/" + iri.slice(base.length) : iri; }
  function short(iri) {
    for (var p in config.prefixes) {
      if (iri.indexOf(config.prefixes[p]) === 0) { return p + ":" + iri.slice(config.prefixes[p].length); }
    }
    var m = /[\/#]([^\/#]+)$/.exec(iri);
    return m ? m[1] : iri;
  }
  function kindOf(term) {
    if (!term) { return "empty"; }
    if (term.type === "uri") { return "iri"; }
    var dt = (term.datatype || "").replace(XSD, "");
    if (NUMERIC.indexOf(dt) >= 0) { return "number"; }
    if (DATES.indexOf(dt) >= 0) { return "date"; }
    return "text";
  }
  function text(term) {
    if (!term) { return ""; }
    if (term.type === "uri") { return labels[term.value] || short(term.value); }
    return term.value;
  }
  function number(term) { return term ? Number(term.value) : 0; }

  // What each column holds: the kind all its values share ("mixed" otherwise), and whether every
  // value names a region's tile.
  function columns(results) {
    var vars = results.getVariables(), rows = results.getBindings();
    return vars.map(function (v) {
      var kind = null, regions = rows.length > 0;
      rows.forEach(function (row) {
        var k = kindOf(row[v]);
        if (k !== "empty") { kind = kind === null || kind === k ? k : "mixed"; }
        if (row[v] && LgTileGrid.tileOf(row[v].value) === null) { regions = false; }
      });
      return { name: v, kind: kind || "empty", region: regions };
    });
  }
  function labelColumn(cols, col) {
    // ?regionName beside ?region names it (WDQS's ?xLabel convention, and ours)
    var named = cols.filter(function (c) {
      return c.kind === "text" && (c.name === col.name + "Label" || c.name === col.name + "Name");
    })[0];
    return named ? named.name : null;
  }
  function loadLabels(results, done) {
    var iris = {};
    results.getBindings().forEach(function (row) {
      Object.keys(row).forEach(function (v) { if (row[v].type === "uri" && !(row[v].value in labels)) { iris[row[v].value] = 1; } });
    });
    var list = Object.keys(iris).slice(0, 500);
    if (!list.length) { done(); return; }
    var query = "SELECT ?s ?l WHERE { VALUES ?s { " + list.map(function (i) { return "<" + i + ">"; }).join(" ") +
      " } ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER (LANGMATCHES(LANG(?l), \"" + lang + "\") || LANG(?l) = \"\") }";
    fetch(config.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
      body: "query=" + encodeURIComponent(query),
    }).then(function (r) { return r.json(); }).then(function (answer) {
      answer.results.bindings.forEach(function (b) { labels[b.s.value] = b.l.value; });
      done();
    }).catch(function () { done(); });
  }

  function plugin(name, label, priority, canHandle, draw) {
    function View(yasr) { this.yasr = yasr; this.priority = priority; this.label = label; this.chart = null; }
    View.prototype.canHandleResults = function () {
      var r = this.yasr.results;
      if (!r || !r.getVariables || !r.getVariables() || !r.getVariables().length || !r.getBindings) { return false; }
      return canHandle(columns(r), r.getBindings());
    };
    View.prototype.draw = function () {
      var self = this, results = this.yasr.results, el = document.createElement("div");
      el.className = "lg-view lg-view-" + name;
      this.yasr.resultsEl.appendChild(el);
      loadLabels(results, function () {
        if (el.isConnected) { self.chart = draw(el, columns(results), results.getBindings()); }
      });
    };
    View.prototype.destroy = function () { if (this.chart && this.chart.dispose) { this.chart.dispose(); } this.chart = null; };
    View.prototype.getIcon = function () { var s = document.createElement("span"); s.textContent = label.charAt(0); return s; };
    Yasr.registerPlugin(name, View);
  }

  function link(term) {
    var a = document.createElement("a");
    a.href = href(term.value);
    a.textContent = text(term);
    a.title = term.value;
    return a;
  }

  plugin("lgtable", lang === "en" ? "Table" : "表格", 20, function () { return true; }, function (el, cols, rows) {
    var table = document.createElement("table"), head = table.createTHead().insertRow(), body = table.createTBody();
    table.className = "lg-results";
    cols.forEach(function (c) { var th = document.createElement("th"); th.scope = "col"; th.textContent = c.name; head.appendChild(th); });
    rows.forEach(function (row) {
      var tr = body.insertRow();
      cols.forEach(function (c) {
        var td = tr.insertCell(), term = row[c.name];
        if (!term) { return; }
        if (term.type === "uri") { td.appendChild(link(term)); }
        else {
          td.textContent = term.value;
          if (term["xml:lang"]) { td.lang = term["xml:lang"]; }
          if (kindOf(term) === "number") { td.className = "number"; }
        }
      });
    });
    el.appendChild(table);
    return null;
  });

  function valueColumn(cols) {
    var numbers = cols.filter(function (c) { return c.kind === "number"; });
    return numbers.length ? numbers[numbers.length - 1] : null;
  }

  plugin("chart", lang === "en" ? "Chart" : "图表", 8, function (cols) {
    return valueColumn(cols) !== null && cols.length > 1;
  }, function (el, cols, rows) {
    // ?regionName only names ?region: not a column of its own
    var plain = cols.filter(function (c) {
      var of = c.name.replace(/(Label|Name)$/, "");
      return of === c.name || !cols.some(function (o) { return o.name === of; });
    });
    var category = plain[0], catLabel = labelColumn(cols, category);
    var cell = function (row) { return catLabel && row[catLabel] ? row[catLabel].value : text(row[category.name]); };
    var seen = {}, repeated = rows.some(function (row) { var c = cell(row); var again = seen[c]; seen[c] = 1; return again; });
    // one row per category: each number a series; categories repeated: split by the next column
    var values = cols.filter(function (c) { return c.kind === "number" && c !== category; });
    var split = repeated ? plain.filter(function (c) { return c !== category && c !== values[values.length - 1]; })[0] || null : null;
    if (split) { values = [values[values.length - 1]]; }
    var categories = [], series = {}, refs = {};
    rows.forEach(function (row) {
      var cat = cell(row);
      if (categories.indexOf(cat) < 0) { categories.push(cat); }
      if (row[category.name] && row[category.name].type === "uri") { refs[cat] = href(row[category.name].value); }
      values.forEach(function (value) {
        var key = split ? text(row[split.name]) : value.name;
        series[key] = series[key] || {};
        series[key][cat] = (series[key][cat] || 0) + number(row[value.name]);
      });
    });
    var value = values[0];
    var line = category.kind === "date";
    el.style.height = "26rem";
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 40, bottom: 96 },
      xAxis: { type: "category", data: categories, axisLabel: { rotate: 40, interval: 0 } },
      yAxis: { type: "value", name: values.length === 1 ? value.name : "" },
      series: Object.keys(series).map(function (key) {
        return { name: key, type: line ? "line" : "bar", stack: split ? "all" : undefined,
                 data: categories.map(function (c) { return series[key][c] || 0; }) };
      }),
    });
    chart.on("click", function (p) { if (refs[p.name]) { window.location.href = refs[p.name]; } });
    return chart;
  });

  plugin("map", lang === "en" ? "Map" : "地图", 6, function (cols) {
    return cols.some(function (c) { return c.region; });
  }, function (el, cols, rows) {
    var region = cols.filter(function (c) { return c.region; })[0], value = valueColumn(cols);
    var totals = {};
    rows.forEach(function (row) {
      var code = LgTileGrid.tileOf(row[region.name] && row[region.name].value);
      if (code !== null) { totals[code] = (totals[code] || 0) + (value ? number(row[value.name]) : 1); }
    });
    el.className += " chart-map";
    el.style.height = "30rem";
    var chart = null;
    regionTiles(function (tiles) {
      tiles.forEach(function (t) { t.value = totals[t.code] || 0; });
      chart = LgTileGrid.draw(el, tiles);
    });
    return { dispose: function () { if (chart) { chart.dispose(); } } };
  });

  var regionCache = null;
  function regionTiles(done) {
    // every region's short name and page, so that regions without rows are drawn too
    if (regionCache) { done(regionCache.map(function (t) { return Object.assign({}, t); })); return; }
    var query = "PREFIX lg: <https://w3id.org/littlegiant/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> " +
      "SELECT ?r ?l ?alt WHERE { VALUES ?k { lg:Province lg:PlannedCity lg:ProductionConstructionCorps } ?r a ?k . " +
      "{ ?r skos:prefLabel ?l BIND (false AS ?alt) } UNION { ?r skos:altLabel ?l BIND (true AS ?alt) } " +
      "FILTER (LANGMATCHES(LANG(?l), \"" + lang + "\")) }";
    fetch(config.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
      body: "query=" + encodeURIComponent(query),
    }).then(function (r) { return r.json(); }).then(function (answer) {
      var byIri = {};
      answer.results.bindings.forEach(function (b) {
        var t = byIri[b.r.value] = byIri[b.r.value] || { code: LgTileGrid.tileOf(b.r.value), href: href(b.r.value), names: [] };
        if (b.alt.value === "false") { t.label = b.l.value; }
        t.names.push(b.l.value);
      });
      regionCache = Object.keys(byIri).map(function (iri) {
        var t = byIri[iri];
        var shortest = t.names.sort(function (a, b) { return a.length - b.length; })[0];
        t.short = lang === "en" && t.label && t.label.length <= 16 ? t.label : shortest;
        t.label = t.label || shortest;
        return t;
      });
      regionTiles(done);
    });
  }

  plugin("timeline", lang === "en" ? "Timeline" : "时间线", 4, function (cols) {
    return cols.some(function (c) { return c.kind === "date"; });
  }, function (el, cols, rows) {
    var date = cols.filter(function (c) { return c.kind === "date"; })[0];
    var named = cols.filter(function (c) { return c !== date && (c.kind === "iri" || c.kind === "text"); });
    var thing = named[0] || null, group = named.filter(function (c) { return c.kind === "text" && c !== thing; })[0] || null;
    var groups = [];
    var data = rows.filter(function (row) { return row[date.name]; }).map(function (row) {
      var g = group && row[group.name] ? row[group.name].value : "";
      if (groups.indexOf(g) < 0) { groups.push(g); }
      var term = thing ? row[thing.name] : null;
      return { value: [row[date.name].value, g], name: term ? text(term) : "", link: term && term.type === "uri" ? href(term.value) : null };
    });
    el.style.height = Math.max(14, 4 + groups.length * 3) + "rem";
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { formatter: function (p) { return p.data.value[0] + "<br>" + echarts.format.encodeHTML(p.data.name); } },
      grid: { left: 120, right: 24, top: 16, bottom: 40 },
      xAxis: { type: "time" },
      yAxis: { type: "category", data: groups },
      series: [{ type: "scatter", symbolSize: 11, data: data }],
    });
    chart.on("click", function (p) { if (p.data && p.data.link) { window.location.href = p.data.link; } });
    return chart;
  });

  // our table replaces YASR's own, which prints typed literals ("248"^^xsd:integer)
  Yasr.defaults.plugins.table = { enabled: false };

  // `#view:map` and the like in a query: the view its results open in
  window.LgViews = {
    NAMES: { table: "lgtable", chart: "chart", bar: "chart", line: "chart", map: "map", timeline: "timeline" },
    chosen: function (query) {
      var m = /^\s*#\s*view\s*:\s*([a-z]+)/im.exec(query || "");
      return m && this.NAMES[m[1].toLowerCase()] ? this.NAMES[m[1].toLowerCase()] : "lgtable";
    },
  };
})();
