// Optional search over items, notes and gaps. The pages are complete without it; it only
// shows the search box when the index can be loaded (not from file://).
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input");
  var list = form.querySelector(".search-results");
  var root = form.getAttribute("data-root") || "";
  var entries = null;
  fetch(form.getAttribute("data-index"))
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (data) { entries = data; form.hidden = false; })
    .catch(function () { form.hidden = true; });
  function norm(s) { return (s || "").toLocaleLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, ""); }
  function show(query) {
    while (list.firstChild) list.removeChild(list.firstChild);
    var q = norm(query).trim();
    if (!entries || q.length < 2) { list.hidden = true; return; }
    var words = q.split(/\s+/);
    var hits = entries.filter(function (e) {
      var hay = norm(e.title + " " + e.text);
      return words.every(function (w) { return hay.indexOf(w) !== -1; });
    }).slice(0, 20);
    hits.forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + e.url;
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = e.kind;
      var title = document.createElement("div");
      title.textContent = e.title;
      a.appendChild(kind);
      a.appendChild(title);
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = hits.length === 0;
  }
  input.addEventListener("input", function () { show(input.value); });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var first = list.querySelector("a");
    if (first) window.location.href = first.href;
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { list.hidden = true; }
  });
})();
