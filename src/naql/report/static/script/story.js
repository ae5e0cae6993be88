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
