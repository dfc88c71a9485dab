// Type-ahead for every input marked data-suggest: firms from /api/suggest as one types, each
// with its region and batch; arrow keys choose, Enter opens the firm's page, and Enter without
// a choice submits the form (the /search results page). Without JavaScript the form still works.
(function () {
  "use strict";
  var lang = document.documentElement.lang === "en" ? "en" : "zh";

  function attach(input) {
    var list = document.createElement("ul");
    list.id = input.id + "-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.after(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var items = [], active = -1, timer = null, asked = "";

    function close() {
      list.hidden = true; list.innerHTML = ""; items = []; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function mark(index) {
      active = index;
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      if (index >= 0) { input.setAttribute("aria-activedescendant", items[index].id); }
    }

    function show(results) {
      close();
      results.forEach(function (r, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        var a = document.createElement("a");
        a.href = r.href;
        a.textContent = r.name;
        var detail = [r.region, (r.batch || []).join(", ")].filter(Boolean).join(" · ");
        li.appendChild(a);
        if (detail) {
          var span = document.createElement("span");
          span.className = "detail";
          span.textContent = " " + detail;
          li.appendChild(span);
        }
        list.appendChild(li);
        items.push(li);
      });
      if (items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
    }

    function ask() {
      var q = input.value.trim();
      if (!q) { close(); return; }
      asked = q;
      fetch("/api/suggest?limit=8&lang=" + lang + "&q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (answer) { if (answer.query === asked) { show(answer.results); } })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 120); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && items.length) { event.preventDefault(); mark((active + 1) % items.length); }
      else if (event.key === "ArrowUp" && items.length) { event.preventDefault(); mark((active - 1 + items.length) % items.length); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = items[active].querySelector("a").href;
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 200); });
  }

  document.querySelectorAll("input[data-suggest]").forEach(attach);
})();
