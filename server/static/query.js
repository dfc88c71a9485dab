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

  // YASGUI's words in the page's language: each text node, title, placeholder and aria-label
  // holding one of config.words exactly; keys ending in "…" are patterns, _N_ a number.
  var exact = {}, patterns = [];
  Object.keys(config.words).forEach(function (english) {
    if (english.slice(-1) !== "\u2026") { exact[english] = config.words[english]; return; }
    var source = english.slice(0, -1).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
      .replace(/_N_/g, "([0-9][0-9,]*)");
    patterns.push([new RegExp("^" + source + "$"), config.words[english]]);
  });
  function translated(text) {
    var key = text.trim();
    if (Object.prototype.hasOwnProperty.call(exact, key)) { return text.replace(key, exact[key]); }
    for (var i = 0; i < patterns.length; i++) {
      var found = patterns[i][0].exec(key);
      if (found) {
        var n = 1;
        return patterns[i][1].replace(/_N_/g, function () { return found[n++]; });
      }
    }
    return null;
  }
  var ATTRIBUTES = ["title", "placeholder", "aria-label"];
  var DATA = ".CodeMirror, tbody, pre";  // the query and its results: never translated
  function localise(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement && node.parentElement.closest(DATA)) { continue; }
      var text = translated(node.nodeValue);
      if (text !== null) { node.nodeValue = text; }
    }
    root.querySelectorAll("[title], [placeholder], [aria-label]").forEach(function (el) {
      if (el.closest(DATA)) { return; }
      ATTRIBUTES.forEach(function (name) {
        var value = el.getAttribute(name);
        var text = value === null ? null : translated(value);
        if (text !== null) { el.setAttribute(name, text); }
      });
    });
  }
  // Result links to our identifiers open on this host (the IRIs stay as they are in the text).
  function localLinks(root) {
    if (!config.base) { return; }
    root.querySelectorAll("a[href]").forEach(function (a) {
      var href = a.getAttribute("href");
      if (href.indexOf(config.base + "/") === 0) {
        a.setAttribute("href", href.slice(config.base.length));
      }
    });
  }
  var area = document.getElementById("yasgui");
  // (our own changes are mutations too: the next pass finds nothing left to change)
  new MutationObserver(function () {
    localLinks(area);
    if (Object.keys(config.words).length) { localise(area); }
  }).observe(area, { childList: true, subtree: true, characterData: true, attributes: true,
                     attributeFilter: ATTRIBUTES });

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
