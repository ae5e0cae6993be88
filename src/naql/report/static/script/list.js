  // -- the story list -------------------------------------------------------------------------

  const rows = JSON.parse(document.getElementById("stories").textContent);
  const byId = new Map(rows.map(function (row) { return [row.id, row]; }));
  const list = {
    shown: rows,
    key: null,
    direction: 1,
    page: 0,
  };
  const listView = document.getElementById("list-view");
  const storyView = document.getElementById("story-view");
  const body = document.getElementById("stories-body");
  const search = document.getElementById("search");

  function haystack(row) {
    if (row.folded === undefined) {
      row.folded = fold([row.id, row.label, row.origin || "", row.sources.join(" "),
        row.credited.join(" "), row.outlets.join(" "), row.articles.join(" ")].join(" \u0001 "));
    }
    return row.folded;
  }

  function filter() {
    const terms = fold(search.value).split(/\s+/).filter(Boolean);
    list.shown = terms.length === 0 ? rows : rows.filter(function (row) {
      const text = haystack(row);
      return terms.every(function (term) { return text.indexOf(term) >= 0; });
    });
    order();
    list.page = 0;
    drawList();
  }

  function natural(a, b) {
    return String(a).localeCompare(String(b), undefined, { numeric: true });
  }

  const SORTS = {
    id: function (a, b) { return natural(a.id, b.id); },
    label: function (a, b) { return a.label.localeCompare(b.label); },
    first: function (a, b) { return (a.first || "\uffff").localeCompare(b.first || "\uffff"); },
    origin: function (a, b) { return (a.origin || "\uffff").localeCompare(b.origin || "\uffff"); },
    independent: function (a, b) { return a.independent - b.independent; },
    credited: function (a, b) { return a.credited.length - b.credited.length; },
    size: function (a, b) { return a.size - b.size; },
  };

  function order() {
    if (!list.key) return;
    const compare = SORTS[list.key];
    const direction = list.direction;
    // Ties keep the trace's order (largest stories first), so a sort is stable to read.
    const position = new Map(rows.map(function (row, n) { return [row, n]; }));
    list.shown = list.shown.slice().sort(function (a, b) {
      return direction * compare(a, b) || position.get(a) - position.get(b);
    });
  }

  function drawList() {
    const pages = Math.max(1, Math.ceil(list.shown.length / PER_PAGE));
    list.page = Math.min(list.page, pages - 1);
    const start = list.page * PER_PAGE;
    const fragment = document.createDocumentFragment();
    for (const row of list.shown.slice(start, start + PER_PAGE)) fragment.appendChild(listRow(row));
    body.replaceChildren(fragment);
    document.getElementById("count").textContent = list.shown.length === rows.length
      ? plural(rows.length, "story", "stories")
      : plural(list.shown.length, "story", "stories") + " of " + rows.length.toLocaleString("en") + " match";
    document.getElementById("page").textContent = "page " + (list.page + 1) + " of " + pages;
    document.getElementById("prev").disabled = list.page === 0;
    document.getElementById("next").disabled = list.page >= pages - 1;
    for (const th of document.querySelectorAll("#stories-table th")) {
      const key = th.getAttribute("data-key");
      th.setAttribute("aria-sort", key !== list.key ? "none" : list.direction > 0 ? "ascending" : "descending");
    }
  }

  function sourcesParts(row) {
    return [String(row.independent)].concat(row.sources.length ? [": "].concat(named(row.sources, "; ")) : []);
  }

  function listRow(row) {
    const tr = document.createElement("tr");
    tr.className = "story-row";
    const id = el("td", "id");
    const a = el("a", null, row.id);
    a.href = "#story=" + encodeURIComponent(row.id);
    id.appendChild(a);
    tr.appendChild(id);
    const label = el("td", "label", row.label);
    label.dir = "auto";
    tr.appendChild(label);
    tr.appendChild(el("td", "dates", dates(row.first, row.last)));
    for (const [name, text] of [
      ["origin", row.origin ? [{ name: row.origin }] : "unknown"],
      ["sources", sourcesParts(row)],
      ["credited", row.credited.length ? named(row.credited, ", ") : "—"],
    ]) {
      tr.appendChild(el("td", name)).appendChild(clamped("div", text, 2, true));
    }
    tr.appendChild(el("td", "num size", String(row.size)));
    tr.addEventListener("click", function (event) {
      if (event.target.tagName !== "A") location.hash = a.getAttribute("href");
    });
    return tr;
  }

  let typing = null;
  search.addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(filter, 120);
  });
  for (const th of document.querySelectorAll("#stories-table th")) {
    th.querySelector("button").addEventListener("click", function () {
      const key = th.getAttribute("data-key");
      if (list.key === key) {
        list.direction = -list.direction;
      } else {
        list.key = key;
        // Numbers read best largest first, words and dates from the start.
        list.direction = key === "size" || key === "independent" || key === "credited" ? -1 : 1;
      }
      order();
      list.page = 0;
      drawList();
    });
  }
  document.getElementById("prev").addEventListener("click", function () { list.page -= 1; drawList(); });
  document.getElementById("next").addEventListener("click", function () { list.page += 1; drawList(); });
