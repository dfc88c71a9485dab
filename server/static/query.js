// The query page: YASGUI (vendored) against our endpoint, the result views of views.js chosen by
// a `#view:` comment, the example gallery (search and tags), downloads and share links.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("lg-query-config").textContent);
  // absolute: YASR's error view builds a URL from it
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var byslug = {};
  config.examples.forEach(function (e) { byslug[e.slug] = e.query; });

  function updateLinks(query) {
    var q = encodeURIComponent(query);
    document.querySelectorAll(".downloads a[data-format]").forEach(function (a) {
      a.href = config.endpoint + "?format=" + a.dataset.format + "&query=" + q;
    });
    document.getElementById("share").href = "/query?query=" + q + "&run=1";
  }

  // the gallery: free-text search over titles, descriptions and tags; tag buttons narrow it
  var search = document.getElementById("example-search");
  var chosen = {};
  function filter() {
    var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var tags = Object.keys(chosen).filter(function (t) { return chosen[t]; });
    document.querySelectorAll(".examples li").forEach(function (li) {
      var own = li.dataset.tags.split(",");
      var textOk = words.every(function (w) { return li.textContent.toLowerCase().indexOf(w) >= 0; });
      var tagsOk = tags.every(function (t) { return own.indexOf(t) >= 0; });
      li.hidden = !(textOk && tagsOk);
    });
  }
  search.addEventListener("input", filter);
  document.querySelectorAll(".tags button").forEach(function (b) {
    b.addEventListener("click", function () {
      chosen[b.dataset.tag] = !chosen[b.dataset.tag];
      b.setAttribute("aria-pressed", chosen[b.dataset.tag] ? "true" : "false");
      filter();
    });
  });

  if (typeof Yasgui === "undefined") { return; }  // the plain form still works
  var views = typeof LgViews !== "undefined";
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return []; } },
    persistenceId: null,
    yasqe: { value: config.query, resizeable: true, autocompleters: ["variables"] },
    yasr: views ? { pluginOrder: ["lgtable", "chart", "map", "timeline", "response"], defaultPlugin: "lgtable" } : {},
  });
  var tab = yasgui.getTab();
  var yasqe = tab.getYasqe();
  yasqe.setValue(config.query);
  yasqe.addPrefixes(config.prefixes);
  updateLinks(yasqe.getValue());
  yasqe.on("change", function () { updateLinks(yasqe.getValue()); });
  if (views) {
    // the view a query's `#view:` comment names, chosen as the query is sent
    yasqe.on("query", function () { tab.getYasr().selectPlugin(LgViews.chosen(yasqe.getValue())); });
  }

  document.querySelectorAll("a.example").forEach(function (a) {
    a.addEventListener("click", function (event) {
      event.preventDefault();
      yasqe.setValue(byslug[a.dataset.slug]);
      history.replaceState(null, "", a.href);
      yasqe.query();
    });
  });
  if (new URLSearchParams(window.location.search).get("run") === "1") { yasqe.query(); }
})();
