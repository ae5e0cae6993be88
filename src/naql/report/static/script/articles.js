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
