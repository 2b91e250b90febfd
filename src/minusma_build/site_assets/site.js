// The explorer page's behaviour: list the facts a mark supports, highlight a
// fact's evidence, show the mentions layer, filter and sort the tables.
// The article is cut into segments on the Python side (offsets there are
// Unicode code points); this script never computes an offset.
(function () {
  "use strict";

  document.documentElement.classList.add("js");  // the stylesheet hides the extra columns only then
  var data = JSON.parse(document.getElementById("site-data").textContent);
  var facts = data.facts;
  var panel = document.getElementById("panel");
  var list = document.getElementById("panel-list");
  var status = document.getElementById("status");
  var toggle = document.getElementById("toggle-mentions");
  var reader = document.querySelector(".reader");
  var narrow = window.matchMedia("(max-width: 899px)");  // where the list of facts is a sheet over the text
  var legend = document.querySelector("details.legend");
  if (legend && !narrow.matches) legend.open = true;  // closed on a phone, so the article comes sooner

  // key ("events/x") -> the segments whose data-facts or data-mentions list it
  var segmentsOf = {};
  Array.prototype.forEach.call(document.querySelectorAll(".seg[data-start]"), function (seg) {
    ["facts", "mentions"].forEach(function (layer) {
      var keys = seg.dataset[layer];
      if (!keys) return;
      keys.split(" ").forEach(function (key) {
        (segmentsOf[key] = segmentsOf[key] || []).push(seg);
      });
    });
  });

  function keysOf(seg) {
    var keys = (seg.dataset.facts || "").split(" ");
    if (toggle.checked) keys = keys.concat((seg.dataset.mentions || "").split(" "));
    return keys.filter(Boolean);
  }

  function clearSelection() {
    Array.prototype.forEach.call(document.querySelectorAll(".seg.selected"), function (s) {
      s.classList.remove("selected");
      if (s.hasAttribute("aria-pressed")) s.setAttribute("aria-pressed", "false");
    });
  }

  function clearHighlight() {
    Array.prototype.forEach.call(document.querySelectorAll(".article .hl"), function (s) {
      s.classList.remove("hl", "hl-first", "hl-last");
    });
    Array.prototype.forEach.call(document.querySelectorAll("tr.current, .tl-item.current"), function (r) {
      r.classList.remove("current");
    });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function factItem(key) {
    var f = facts[key];
    var li = el("li", "fact");
    li.appendChild(el("span", "fact-kind", f.kind));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("code", "", key.split("/")[1]));
    li.appendChild(el("p", "fact-label", f.label));
    if (f.tags.length) {
      var tags = el("ul", "tags");
      f.tags.forEach(function (t) { tags.appendChild(el("li", "", t)); });
      li.appendChild(tags);
    }
    var show = el("button", "fact-btn", "Highlight its words");
    show.type = "button";
    show.dataset.fact = key;
    li.appendChild(show);
    li.appendChild(document.createTextNode(" "));
    var row = el("a", "row-link", "Row in its table");
    row.href = "#" + f.row;
    li.appendChild(row);
    return li;
  }

  function selectMark(seg) {
    clearSelection();
    seg.classList.add("selected");
    if (seg.hasAttribute("aria-pressed")) seg.setAttribute("aria-pressed", "true");
    var keys = keysOf(seg);
    list.textContent = "";
    keys.forEach(function (key) { if (facts[key]) list.appendChild(factItem(key)); });
    status.textContent = "\u201c" + seg.textContent + "\u201d supports " + keys.length +
      (keys.length === 1 ? " fact." : " facts.");
    reader.classList.add("panel-open");
    if (narrow.matches) {  // keep the selected words above the sheet that lists their facts
      var top = seg.getBoundingClientRect().top;
      if (top > window.innerHeight * 0.4) window.scrollBy(0, top - window.innerHeight * 0.2);
    }
  }

  function highlightFact(key, moveFocus) {
    clearHighlight();
    var segs = segmentsOf[key] || [];
    if (key.indexOf("mentions/") === 0 && !toggle.checked) {
      toggle.checked = true;
      applyMentions();
    }
    segs.forEach(function (s, i) {
      s.classList.add("hl");
      if (i === 0) s.classList.add("hl-first");
      if (i === segs.length - 1) s.classList.add("hl-last");
    });
    var row = document.querySelector('[data-row="' + CSS.escape(key) + '"]');
    if (row) row.classList.add("current");
    var item = document.querySelector('.tl-item[data-event="' + CSS.escape(key) + '"]');
    if (item) item.classList.add("current");
    var f = facts[key];
    status.textContent = "Highlighted " + (f ? f.kind.toLowerCase() + " " : "") + key.split("/")[1] +
      ": \u201c" + segs.map(function (s) { return s.textContent; }).join("") + "\u201d";
    if (!segs.length) return;
    if (narrow.matches) reader.classList.remove("panel-open");  // the sheet would cover the words
    segs[0].scrollIntoView({ block: "center", inline: "nearest" });
    if (moveFocus) {
      if (!segs[0].hasAttribute("tabindex")) segs[0].setAttribute("tabindex", "-1");
      segs[0].focus({ preventScroll: true });
    }
  }

  function applyMentions() {
    document.body.classList.toggle("show-mentions", toggle.checked);
    Array.prototype.forEach.call(document.querySelectorAll(".seg[data-mentions]:not([data-facts])"),
      function (s) {
        if (toggle.checked) {
          s.setAttribute("tabindex", "0");
          s.setAttribute("role", "button");
        } else {
          s.removeAttribute("tabindex");
          s.removeAttribute("role");
        }
      });
  }

  function isMark(target) {
    var seg = target.closest ? target.closest(".seg[data-start]") : null;
    if (!seg) return null;
    if (seg.dataset.facts || (toggle.checked && seg.dataset.mentions)) return seg;
    return null;
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest("[data-fact]");
    if (button) {
      highlightFact(button.dataset.fact, true);
      return;
    }
    if (ev.target.closest(".panel-close")) {
      reader.classList.remove("panel-open");
      clearSelection();
      return;
    }
    var sorter = ev.target.closest("button.sort");
    if (sorter) {
      sortBy(sorter);
      return;
    }
    var seg = isMark(ev.target);
    if (seg) selectMark(seg);
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") {
      clearHighlight();
      clearSelection();
      reader.classList.remove("panel-open");
      return;
    }
    if (ev.key !== "Enter" && ev.key !== " ") return;
    var seg = isMark(ev.target);
    if (seg) {
      ev.preventDefault();
      selectMark(seg);
      panel.focus({ preventScroll: true });
    }
  });

  toggle.addEventListener("change", applyMentions);

  // index.html#fact=events/<id> opens the page with that fact highlighted: a link to cite one fact.
  function fromHash() {
    var match = /^#fact=(.+)$/.exec(window.location.hash);
    if (match && facts[decodeURIComponent(match[1])]) highlightFact(decodeURIComponent(match[1]), false);
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();

  // -- filters and sorting ---------------------------------------------------

  function applyFilters(box) {
    var table = document.querySelector('table[data-table="' + CSS.escape(box.dataset.table) + '"]');
    var active = [];
    Array.prototype.forEach.call(box.querySelectorAll("select[data-filter]"), function (s) {
      if (s.value !== "") active.push([s.dataset.filter, s.value]);
    });
    var rows = table.tBodies[0].rows;
    var shown = 0;
    Array.prototype.forEach.call(rows, function (tr) {
      var keep = active.every(function (a) {
        var td = tr.querySelector('td[data-field="' + CSS.escape(a[0]) + '"]');
        return td && td.dataset.value === a[1];
      });
      tr.hidden = !keep;
      if (keep) shown += 1;
    });
    box.querySelector(".row-count").textContent = shown + " of " + rows.length + " rows";
  }

  Array.prototype.forEach.call(document.querySelectorAll(".filters"), function (box) {
    box.addEventListener("change", function (ev) {
      if (ev.target.classList.contains("show-all")) {
        ev.target.closest(".data-table").classList.toggle("show-all", ev.target.checked);
        return;
      }
      applyFilters(box);
    });
  });

  function sortBy(button) {
    var th = button.closest("th");
    var table = th.closest("table");
    var field = button.dataset.sort;
    var numeric = th.dataset.type === "integer" || th.dataset.type === "number";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    function value(tr) {
      var td = tr.querySelector('td[data-field="' + CSS.escape(field) + '"]');
      return td ? td.dataset.value : "";
    }
    rows.sort(function (a, b) {
      var x = value(a), y = value(b);
      if (x === "" || y === "") return (x === "") - (y === "");  // empty cells last either way
      var order = numeric ? Number(x) - Number(y) : (x < y ? -1 : x > y ? 1 : 0);
      return ascending ? order : -order;
    });
    rows.forEach(function (tr) { body.appendChild(tr); });
  }
})();
