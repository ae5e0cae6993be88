/* naql's report: draws the story list, and a story's page when it is opened.
 *
 * Every decision (layout, what to mark where) was made in Python; this script only draws.
 * Data reaches the document only through textContent, createTextNode and setAttribute,
 * never as HTML, and bidirectional controls in it are shown as inert markers. */
(function () {
  "use strict";

  // Where a page served by naql serve opens, and where its «All stories» leads.
  const openingBlock = document.getElementById("opening");
  const opening = openingBlock ? JSON.parse(openingBlock.textContent) : {};

  const SVG = "http://www.w3.org/2000/svg";
  const PER_PAGE = 50;
  const COLOURS = 8; // passage colours in report.css (.p0 … .p7)
  const KINDS = ["copied", "excerpt", "shared", "template", "credited"];
  const DIRECTED = ["copied", "excerpt", "credited"];
  const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;
  const BIDI_NAMES = {
    "\u202A": "LRE", "\u202B": "RLE", "\u202C": "PDF", "\u202D": "LRO", "\u202E": "RLO",
    "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI",
  };

  // -- text, safely --------------------------------------------------------------------------

  function marker(c) {
    return "\u27E6" + BIDI_NAMES[c] + "\u27E7";
  }

  /** A string for attributes and SVG text: bidi controls as visible markers. */
  function inert(value) {
    return String(value == null ? "" : value).replace(BIDI, marker);
  }

  /** Appends text to an element; a bidi control becomes a marked, harmless «⟦RLO⟧». */
  function put(parent, value) {
    const text = String(value == null ? "" : value);
    let last = 0;
    BIDI.lastIndex = 0;
    let found;
    while ((found = BIDI.exec(text)) !== null) {
      if (found.index > last) parent.appendChild(document.createTextNode(text.slice(last, found.index)));
      const mark = document.createElement("span");
      mark.className = "bidi";
      mark.textContent = marker(found[0]);
      mark.title = "an invisible direction control (U+" +
        found[0].charCodeAt(0).toString(16).toUpperCase() + ") in the text, shown and made harmless";
      parent.appendChild(mark);
      last = found.index + 1;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
    return parent;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) compose(node, text);
    return node;
  }

  // A line that names several things («X (الشرق الأوسط) ⇄ 003_…») is written as parts: strings,
  // and {name} for names, each isolated (<bdi>) so the digits of an id after an Arabic outlet
  // are not read into the Arabic run and reordered. A name is laid out left to right, as the
  // page is: «الشرق الأوسط (full version, not in the pile)» keeps its qualifier after it, and a
  // URL reads as a URL.
  function compose(parent, parts) {
    if (!Array.isArray(parts)) return put(parent, parts);
    for (const part of parts) {
      if (typeof part === "string") {
        put(parent, part);
      } else {
        const name = put(document.createElement("bdi"), part.name);
        name.dir = "ltr";
        parent.appendChild(name);
      }
    }
    return parent;
  }

  /** The same parts for a tooltip: names between LRI and PDI, which the data's own
   *  direction controls (already made inert) cannot unbalance. */
  function flat(parts) {
    if (!Array.isArray(parts)) return inert(parts);
    return parts.map(function (part) {
      return typeof part === "string" ? inert(part) : "\u2066" + inert(part.name) + "\u2069";
    }).join("");
  }

  function named(names, separator) {
    const parts = [];
    names.forEach(function (name, n) {
      if (n) parts.push(separator);
      parts.push({ name: name });
    });
    return parts;
  }

  /** Text cut to a few lines (a source not in the pile may be named by twenty pages): the
   *  whole of it on hover, and (unless the click means something else there) on a click. */
  function clamped(tag, text, lines, fixed) {
    const box = el(tag, "clamp clamp" + lines, text);
    box.title = flat(text);
    if (fixed) return box;
    box.addEventListener("click", function (event) {
      if (box.scrollHeight > box.clientHeight + 1 || box.classList.contains("open")) {
        event.stopPropagation();
        box.classList.toggle("open");
      }
    });
    return box;
  }

  function svg(tag, attributes) {
    const node = document.createElementNS(SVG, tag);
    for (const name in attributes) node.setAttribute(name, attributes[name]);
    return node;
  }

  function percent(share) {
    return Math.round(share * 100) + "%";
  }

  function plural(count, word, many) {
    return count.toLocaleString("en") + " " + (count === 1 ? word : many || word + "s");
  }

  function day(date) {
    return date ? String(date).slice(0, 10) : "";
  }

  function dates(first, last) {
    if (!first) return "—";
    return day(first) === day(last) ? day(first) : day(first) + " → " + day(last);
  }

  /** Only web addresses become links; anything else (javascript:, data:) stays text. Python
   *  said whether the URL is one (``linkable``); the page checks again. */
  function link(url, linkable) {
    if (linkable && /^https?:\/\/[^\s\/?#]/i.test(url)) {
      const a = el("a", "url", url);
      a.href = url;
      a.rel = "noopener noreferrer nofollow";
      a.target = "_blank";
      return a;
    }
    return el("span", "url", url);
  }

  // Arabic spelled as outlets differ (hamza forms, ta marbuta, alef maqsura, diacritics),
  // Latin case and accents: a search finds the story however the label spells it.
  function fold(text) {
    return String(text).toLowerCase().normalize("NFKD")
      .replace(/[\u0300-\u036f\u064B-\u065F\u0670\u0640]/g, "")
      .replace(/[\u0622\u0623\u0625\u0671]/g, "\u0627")
      .replace(/\u0649/g, "\u064A")
      .replace(/\u0629/g, "\u0647");
  }

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

  // -- one story -------------------------------------------------------------------------------

  const parsed = new Map();
  let story = null; // the open story's data

  function storyData(row) {
    if (!parsed.has(row.id)) {
      const block = document.getElementById(row.block);
      if (block === null) return null;
      parsed.set(row.id, JSON.parse(block.textContent));
    }
    return parsed.get(row.id);
  }

  function route() {
    const params = new URLSearchParams(location.hash.slice(1));
    const id = params.get("story");
    const row = id === null ? undefined : byId.get(id);
    if (row === undefined) {
      storyView.hidden = true;
      listView.hidden = false;
      story = null;
      return;
    }
    const data = storyData(row);
    if (data === null) {
      // The stories' blocks come after this script: a link to a story may open before the
      // browser has read them all.
      const loading = document.readyState === "loading";
      storyView.replaceChildren(el("p", "loading", loading
        ? "Loading story " + id + "…"
        : "Story " + id + " is listed, but its data is not in this file (was it cut short?)"));
      listView.hidden = true;
      storyView.hidden = false;
      if (loading) document.addEventListener("DOMContentLoaded", route, { once: true });
      return;
    }
    story = data;
    drawStory(data);
    listView.hidden = true;
    storyView.hidden = false;
    const pair = Number(params.get("pair"));
    if (params.has("pair") && data.pairs[pair]) openPair(pair, null, false);
    else window.scrollTo(0, 0);
  }

  function section(title, className) {
    const part = el("section", className);
    part.appendChild(el("h3", null, title));
    return part;
  }

  // Names and English sentences read left to right (an Arabic name inside keeps its own
  // direction); only a headline or a title is laid out by its first letter.
  function fact(list, term, value, headline) {
    list.appendChild(el("dt", null, term));
    const dd = list.appendChild(el("dd"));
    const text = dd.appendChild(clamped("div", value, 3));
    if (headline) text.dir = "auto";
  }

  function drawStory(data) {
    const back = el("a", "back", "← All stories");
    // Served by naql serve, a one-story page's list is the server's home page.
    back.href = opening.home || "#";
    const heading = el("h2", "story-label", data.label);
    heading.dir = "auto";
    const facts = el("dl", "facts");
    fact(facts, "Story", data.id + " · " + plural(data.size, "article"));
    fact(facts, "Dates", dates(data.first, data.last));
    fact(facts, "Origin", data.origin ? [{ name: data.origin }] : "unknown");
    fact(facts, "Independent sources", sourcesParts(data));
    fact(facts, "Credited as source", data.credited.length ? named(data.credited, ", ") : "—");
    fact(facts, "Outlets", data.outlets.length ? named(data.outlets, ", ") : "—");
    const parts = [back, heading, facts];
    if (data.hidden.length) {
      const hidden = section("Not in the pile", "not-in-pile");
      const items = el("ul");
      for (const source of data.hidden) {
        const item = el("li");
        const text = item.appendChild(clamped("div", "", 3));
        text.appendChild(el("strong", "hidden-name", [{ name: source.name }]));
        put(text, ": " + source.reason);
        text.title = flat([{ name: source.name }, ": " + source.reason]);
        items.appendChild(item);
      }
      hidden.appendChild(items);
      parts.push(hidden);
    }
    if (data.apart && data.apart.length) parts.push(drawApart(data.apart));
    parts.push(drawGraph(data));
    parts.push(drawPairList(data));
    parts.push(el("section", "pair-view"));
    parts.push(drawArticles(data));
    storyView.replaceChildren.apply(storyView, parts);
    document.title = inert(data.label) + " — " + inert(document.querySelector("h1").textContent);
  }

  /** A sentence with «quoted» Arabic words as parts, each quote isolated as a name is (an
   *  English sentence quoting two places must not have its quotes reordered into each other). */
  function quoted(text) {
    const parts = [];
    const quote = /«[^»]*»/g;
    let last = 0;
    let found;
    while ((found = quote.exec(text)) !== null) {
      if (found.index > last) parts.push(text.slice(last, found.index));
      parts.push({ name: found[0] });
      last = quote.lastIndex;
    }
    if (last < text.length) parts.push(text.slice(last));
    return parts;
  }

  /** The stories this one shares text or a strong link with but is kept apart from, each
   *  linked (naql serve's own page for it, else this file's), with the evidence in words. */
  function drawApart(apart) {
    const part = section("Kept apart (other events)", "kept-apart");
    const items = el("ul");
    for (const other of apart) {
      const item = el("li");
      const link = el("a", null, other.story);
      link.href = opening.home
        ? opening.home.replace(/\/$/, "") + "/stories/" + encodeURIComponent(other.story)
        : "#story=" + encodeURIComponent(other.story);
      const label = el("span", "apart-label", other.label);
      label.dir = "auto";
      const why = [{ name: other.article }, " / ", { name: other.other }, ": "].concat(quoted(other.detail));
      const text = clamped("div", why, 3);
      item.append(link, " ", label, text);
      items.appendChild(item);
    }
    part.appendChild(items);
    return part;
  }

  /** What an edge says, with the names of its ends. */
  function edgeSentence(data, edge) {
    const between = DIRECTED.indexOf(edge.kind) >= 0 ? " → " : " — ";
    return nodeParts(data, edge.from).concat([between], nodeParts(data, edge.to), [": " + edge.says]);
  }

  function nodeParts(data, number) {
    const node = data.graph.nodes[number];
    return node.article >= 0 ? articleName(data.articles[node.article]) : [{ name: node.name }];
  }

  function nodeTitle(data, node) {
    if (node.article >= 0) {
      const article = data.articles[node.article];
      return [article.id, article.outlet, article.title].filter(Boolean).join(" — ");
    }
    const hidden = data.hidden[node.hidden];
    return hidden ? hidden.name + ": " + hidden.reason : node.name;
  }

  function drawGraph(data) {
    const part = section("How the story travelled", "graph-section");
    const graph = data.graph;
    part.appendChild(legend([
      ["node", "an article (its outlet, its id): click for its verdict and text"],
      ["node hidden", "a text not in the pile (dashed), whose existence the others prove"],
      ["edge copied", "took text from (share of the target reused)"],
      ["edge shared", "share text, direction unknown"],
      ["edge template", "same formula, other facts (not a copy)"],
      ["edge credited", "credits it, no shared text"],
    ]));
    const width = graph.width, height = graph.height;
    const drawing = svg("svg", {
      class: "graph", width: width, height: height, viewBox: "0 0 " + width + " " + height,
      role: "img", "aria-label": "transmission graph",
    });
    const defs = svg("defs", {});
    for (const kind of DIRECTED) {
      const head = svg("marker", {
        id: "arrow-" + kind, viewBox: "0 0 10 10", refX: "9", refY: "5",
        markerWidth: "8", markerHeight: "8", orient: "auto-start-reverse",
      });
      head.appendChild(svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow-head " + kind }));
      defs.appendChild(head);
    }
    drawing.appendChild(defs);
    graph.edges.forEach(function (edge, number) {
      const kind = KINDS.indexOf(edge.kind) >= 0 ? edge.kind : "shared";
      const group = svg("g", { class: "edge " + kind, tabindex: "0", role: "button", "data-edge": String(number) });
      const title = svg("title", {});
      title.textContent = flat(edgeSentence(data, edge));
      group.appendChild(title);
      group.appendChild(svg("path", { d: edge.path, class: "hit" }));
      const line = svg("path", { d: edge.path, class: "line" });
      if (DIRECTED.indexOf(kind) >= 0) line.setAttribute("marker-end", "url(#arrow-" + kind + ")");
      group.appendChild(line);
      const label = svg("text", { x: edge.label_x, y: edge.label_y, class: "edge-label", "text-anchor": "middle", dy: "0.35em" });
      label.textContent = inert(edge.label);
      group.appendChild(label);
      group.addEventListener("click", function () { openEdge(number); });
      group.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); openEdge(number); }
      });
      drawing.appendChild(group);
    });
    const w = graph.node_width, h = graph.node_height;
    for (const node of graph.nodes) {
      const group = svg("g", {
        class: "node " + (node.article < 0 ? "hidden" : "article") + (node.origin ? " origin" : ""),
        transform: "translate(" + (node.x - w / 2) + "," + (node.y - h / 2) + ")",
      });
      const title = svg("title", {});
      title.textContent = inert(nodeTitle(data, node));
      group.appendChild(title);
      group.appendChild(svg("rect", { width: w, height: h, rx: "7" }));
      const lines = node.lines;
      lines.forEach(function (text, n) {
        const y = h / 2 + (n - (lines.length - 1) / 2) * 16;
        const line = svg("text", { x: w / 2, y: y, dy: "0.35em", "text-anchor": "middle", class: n === 0 ? "name" : "sub" });
        line.textContent = inert(text);
        group.appendChild(line);
      });
      if (node.article >= 0) {
        group.setAttribute("tabindex", "0");
        group.setAttribute("role", "button");
        group.addEventListener("click", function () { openArticle(node.article); });
        group.addEventListener("keydown", function (event) {
          if (event.key === "Enter") openArticle(node.article);
        });
      }
      drawing.appendChild(group);
    }
    const frame = el("div", "graph-frame");
    frame.appendChild(drawing);
    part.appendChild(frame);
    if (graph.edges.length) part.appendChild(drawEvidence(data));
    return part;
  }

  function legend(entries) {
    const keys = el("ul", "legend");
    for (const entry of entries) {
      const item = el("li");
      item.appendChild(el("span", "key " + entry[0]));
      put(item, " " + entry[1]);
      keys.appendChild(item);
    }
    return keys;
  }

  function drawEvidence(data) {
    const details = el("details", "evidence");
    details.appendChild(el("summary", null, "The edges and the evidence for each (" + data.graph.edges.length + ")"));
    const items = el("ol");
    data.graph.edges.forEach(function (edge, number) {
      const item = el("li");
      item.id = "edge-" + number;
      const open = el("button", "edge-button", edgeSentence(data, edge));
      open.type = "button";
      open.addEventListener("click", function () { openEdge(number); });
      item.appendChild(open);
      item.appendChild(signalList(edge.signals));
      items.appendChild(item);
    });
    details.appendChild(items);
    return details;
  }

  function signalList(signals) {
    const items = el("ul", "signals");
    for (const signal of signals) {
      const item = el("li");
      const text = item.appendChild(clamped("div", "", 3));
      text.appendChild(el("strong", null, signal.name));
      put(text, " (" + signal.stance + "): " + signal.detail);
      text.title = inert(signal.name + " (" + signal.stance + "): " + signal.detail);
      items.appendChild(item);
    }
    if (!signals.length) items.appendChild(el("li", null, "no signal recorded"));
    return items;
  }

  function articleName(article) {
    return article.outlet ? [{ name: article.id }, " (", { name: article.outlet }, ")"] : [{ name: article.id }];
  }

  function pairName(left, right) {
    return articleName(left).concat([" ⇄ "], articleName(right));
  }

  function drawPairList(data) {
    const part = section("Pairs that share text", "pairs");
    if (!data.pairs.length) {
      part.appendChild(el("p", "none", "No two articles of this story share a passage."));
      return part;
    }
    const table = el("table", "pair-list");
    const head = el("tr");
    for (const name of ["", "left", "right", "passages", "share of left", "share of right"]) head.appendChild(el("th", null, name));
    table.appendChild(el("thead")).appendChild(head);
    const rowsBody = el("tbody");
    data.pairs.forEach(function (pair, number) {
      const tr = el("tr", "pair-row");
      const cell = el("td");
      const open = el("button", null, "compare");
      open.type = "button";
      open.addEventListener("click", function () { openPair(number, null, true); });
      cell.appendChild(open);
      tr.appendChild(cell);
      tr.appendChild(el("td", null, articleName(data.articles[pair.left])));
      tr.appendChild(el("td", null, articleName(data.articles[pair.right])));
      tr.appendChild(el("td", "num", String(pair.passages.length)));
      tr.appendChild(el("td", "num", percent(pair.left_share)));
      tr.appendChild(el("td", "num", percent(pair.right_share)));
      rowsBody.appendChild(tr);
    });
    table.appendChild(rowsBody);
    part.appendChild(table);
    return part;
  }

  function openEdge(number) {
    const edge = story.graph.edges[number];
    if (edge.pairs.length) openPair(edge.pairs[0], edge, true);
    else if (edge.target >= 0) openArticle(edge.target, edge);
  }

  // Cleaning blanks a page's chrome with spaces, keeping offsets; on screen the blanks would
  // read as holes, so blank lines and runs of spaces are shown as one.
  function squeeze(piece) {
    return piece.replace(/\s*\n\s*\n\s*/g, "\n\n").replace(/[ \t\u00a0]{2,}/g, " ");
  }

  /** The text cut along its runs, four numbers each: end, passage, bits (1 differs, 2 added),
   *  credit (-1: none). */
  function drawText(container, text, runs, credits) {
    let start = 0;
    for (let at = 0; at + 3 < runs.length; at += 4) {
      const end = runs[at], passage = runs[at + 1], bits = runs[at + 2], credit = runs[at + 3];
      const piece = squeeze(text.slice(start, end));
      start = end;
      if (passage < 0 && bits === 0 && credit < 0) {
        put(container, piece);
        continue;
      }
      const span = document.createElement("span");
      const classes = [];
      if (passage >= 0) {
        classes.push("psg", "p" + (passage % COLOURS));
        span.setAttribute("data-passage", String(passage));
      }
      if (bits & 1) classes.push("diff");
      if (bits & 2) classes.push("added");
      const notes = [];
      if (bits & 1) notes.push("not in the other text");
      if (bits & 2) notes.push("added: not in its sources");
      if (credit >= 0 && credits[credit]) {
        const c = credits[credit];
        classes.push("credit");
        notes.push(flat(["credit: " + c.role + " — ", { name: c.name }, " (cue «", { name: c.cue }, "»)"]));
      }
      span.className = classes.join(" ");
      if (notes.length) span.title = notes.join("; "); // each note already inert (flat)
      put(span, piece);
      container.appendChild(span);
    }
    if (start < text.length) put(container, squeeze(text.slice(start)));
  }

  function sideOf(pair, which, article, role) {
    const side = el("div", "side " + which);
    const head = el("div", "side-head");
    head.appendChild(el("strong", null, articleName(article)));
    if (role) head.appendChild(el("span", "role " + role, role));
    const share = which === "left" ? pair.left_share : pair.right_share;
    head.appendChild(el("div", "share", percent(share) + " of its text is shared with the other"));
    if (article.title) {
      const title = el("div", "article-title", article.title);
      title.dir = "auto";
      head.appendChild(title);
    }
    side.appendChild(head);
    const text = el("div", "text");
    text.dir = article.dir;
    drawText(text, article.text, which === "left" ? pair.left_runs : pair.right_runs, article.credits);
    side.appendChild(text);
    return side;
  }

  function openPair(number, edge, remember) {
    const pair = story.pairs[number];
    const left = story.articles[pair.left], right = story.articles[pair.right];
    const view = storyView.querySelector(".pair-view");
    const parts = [el("h3", null, ["Side by side: "].concat(pairName(left, right)))];
    if (edge) {
      const via = el("div", "via");
      via.appendChild(el("p", null, edgeSentence(story, edge)));
      via.appendChild(signalList(edge.signals));
      if (edge.pairs.length > 1) {
        const others = el("p", "others", "The same edge, other evidence: ");
        for (const other of edge.pairs) {
          const p = story.pairs[other];
          const button = el("button", other === number ? "current" : null,
            pairName(story.articles[p.left], story.articles[p.right]));
          button.type = "button";
          button.addEventListener("click", function () { openPair(other, edge, true); });
          others.appendChild(button);
        }
        via.appendChild(others);
      }
      parts.push(via);
    }
    const roles = { left: pair.derived === "left" || pair.derived === "both" ? "derived" : pair.derived ? "source" : null };
    roles.right = pair.derived === "right" || pair.derived === "both" ? "derived" : pair.derived ? "source" : null;
    parts.push(legend([
      ["psg p0", "a shared passage (one colour per passage, the same on both sides)"],
      ["diff", "a word inside it that the other text does not have"],
      ["added", "added by a derived article: in none of its sources"],
      ["credit", "a credit (hover for its role)"],
    ]));
    const passages = el("ol", "passage-list");
    pair.passages.forEach(function (passage, n) {
      const item = el("li");
      item.appendChild(el("span", "key psg p" + (n % COLOURS)));
      put(item, " " + passage.kind + ", " + plural(passage.words, "word") + " matched: left [" +
        passage.left[0] + ":" + passage.left[1] + "], right [" + passage.right[0] + ":" + passage.right[1] + "]");
      passages.appendChild(item);
    });
    parts.push(passages);
    const sides = el("div", "sides");
    sides.appendChild(sideOf(pair, "left", left, roles.left));
    sides.appendChild(sideOf(pair, "right", right, roles.right));
    // Pointing at a passage on one side lights it on the other.
    sides.addEventListener("mouseover", function (event) { light(sides, event, true); });
    sides.addEventListener("mouseout", function (event) { light(sides, event, false); });
    parts.push(sides);
    view.replaceChildren.apply(view, parts);
    view.id = "pair-" + number;
    if (remember) {
      history.replaceState(null, "", "#story=" + encodeURIComponent(story.id) + "&pair=" + number);
    }
    view.scrollIntoView({ block: "start" });
  }

  function light(sides, event, on) {
    const target = event.target.closest ? event.target.closest("[data-passage]") : null;
    if (!target) return;
    const passage = target.getAttribute("data-passage");
    for (const span of sides.querySelectorAll('[data-passage="' + passage + '"]')) {
      span.classList.toggle("hot", on);
    }
  }

  // -- articles --------------------------------------------------------------------------------

  function drawArticles(data) {
    const part = section("Articles", "articles");
    data.articles.forEach(function (article, number) {
      part.appendChild(articleCard(article, number));
    });
    return part;
  }

  function articleCard(article, number) {
    const card = el("article", "card");
    card.id = "article-" + number;
    card.appendChild(el("h4", null, articleName(article)));
    const facts = el("dl", "facts");
    if (article.outlet) {
      fact(facts, "Outlet", [{ name: article.outlet }].concat(article.outlet_from ? [" (read from ", { name: article.outlet_from }, ")"] : []));
    }
    if (article.date) fact(facts, "Date", article.date);
    if (article.title) fact(facts, "Title", article.title, true);
    if (article.url) {
      facts.appendChild(el("dt", null, "URL"));
      facts.appendChild(el("dd")).appendChild(link(article.url, article.link));
    }
    if (article.derivation) {
      fact(facts, "Verdict", article.derivation + ", " + percent(article.reused) + " reused" +
        (article.added_chars ? "; " + plural(article.added_chars, "character") + " added" : ""));
    }
    const sources = [];
    article.sources.forEach(function (source, n) {
      sources.push(n ? "; " : "", { name: source.name }, " (" + percent(source.share) + ")");
    });
    fact(facts, "Sources", sources.length ? sources : "none found");
    card.appendChild(facts);
    if (article.credits.length) {
      const credits = el("ul", "credits");
      for (const c of article.credits) {
        const item = el("li");
        item.appendChild(el("strong", null, c.role));
        compose(item, [": ", { name: c.name }, " — cue «", { name: c.cue }, "»" + (c.where !== "text" ? ", in the " + c.where : "")]);
        if (c.words) {
          const words = el("q", null, c.words);
          words.dir = "auto";
          put(item, " ");
          item.appendChild(words);
        }
        credits.appendChild(item);
      }
      const label = el("div", "credits-label", "Credits");
      card.appendChild(label);
      card.appendChild(credits);
    }
    const text = el("details", "article-text");
    text.appendChild(el("summary", null, "Text (" + plural(article.text.length, "character") + ")"));
    text.addEventListener("toggle", function () {
      if (!text.open || text.querySelector(".text")) return;
      const body = el("div", "text");
      body.dir = article.dir;
      drawText(body, article.text, article.runs, article.credits);
      text.appendChild(body);
    });
    card.appendChild(text);
    return card;
  }

  function openArticle(number, edge) {
    const card = document.getElementById("article-" + number);
    if (!card) return;
    const text = card.querySelector("details.article-text");
    if (text) text.open = true;
    const note = card.querySelector(".via");
    if (note) note.remove();
    if (edge) {
      const via = el("div", "via");
      via.appendChild(el("p", null, edgeSentence(story, edge)));
      via.appendChild(signalList(edge.signals));
      card.insertBefore(via, card.children[1]);
    }
    card.classList.remove("flash");
    void card.offsetWidth; // restart the animation
    card.classList.add("flash");
    card.scrollIntoView({ block: "start" });
  }

  window.addEventListener("hashchange", route);
  drawList();
  // A page made to open on a story or a pair (naql serve's /stories/…, /pairs/…) starts there
  // unless its address already says where to go.
  if (!location.hash && opening.route) history.replaceState(null, "", "#" + opening.route);
  route();
})();
