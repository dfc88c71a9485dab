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
