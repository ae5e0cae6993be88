  // -- how the story travelled: the graph ------------------------------------------------------

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
