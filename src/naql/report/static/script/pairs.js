  // -- the edges' evidence, and a pair's two texts side by side -------------------------------

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
