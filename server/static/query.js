// The query page: YASGUI (vendored) against our endpoint, example queries, downloads, share links.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("lg-query-config").textContent);
  var byslug = {};
  config.examples.forEach(function (e) { byslug[e.slug] = e.query; });

  function updateLinks(query) {
    var q = encodeURIComponent(query);
    document.querySelectorAll(".downloads a[data-format]").forEach(function (a) {
      a.href = config.endpoint + "?format=" + a.dataset.format + "&query=" + q;
    });
    document.getElementById("share").href = "/query?query=" + q;
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
    if (!config.iriBase) { return; }
    root.querySelectorAll("a[href]").forEach(function (a) {
      var href = a.getAttribute("href");
      if (href.indexOf(config.iriBase + "/") === 0) {
        a.setAttribute("href", href.slice(config.iriBase.length));
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

  if (typeof Yasgui === "undefined") { return; }  // the plain form still works
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return []; } },
    persistenceId: null,
    yasqe: { value: config.query, resizeable: true, autocompleters: ["variables"] },
  });
  var tab = yasgui.getTab();
  var yasqe = tab.getYasqe();
  yasqe.setValue(config.query);
  yasqe.addPrefixes(config.prefixes);
  updateLinks(yasqe.getValue());
  yasqe.on("change", function () { updateLinks(yasqe.getValue()); });

  document.querySelectorAll("a.example").forEach(function (a) {
    a.addEventListener("click", function (event) {
      event.preventDefault();
      yasqe.setValue(byslug[a.dataset.slug]);
      history.replaceState(null, "", a.href);
      yasqe.query();
    });
  });
})();
