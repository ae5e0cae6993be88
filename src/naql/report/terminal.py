"""The terminal summary of a trace: stories first, then the articles' verdicts, then who shares
text with whom and the passages. A large pile is summarised: the ``top`` largest stories and
most-reused pairs are shown, with a line saying how many more the JSON output holds."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from naql.records import Article, Story, Trace

EXCERPT = 70


def plural(count: int, word: str, many: str | None = None) -> str:
    """«1 story», «2 stories»: counts read as words."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def print_trace(
    trace: Trace,
    console: Console,
    *,
    passages: bool = True,
    top: int = 20,
    has_json: bool = False,
) -> None:
    """The summary; ``top`` stories and pairs at most (0: the header only), and where the
    rest is (``has_json``: in the JSON written)."""
    articles = {article.id: article for article in trace.articles}
    seconds = sum(trace.timings.values())
    pages = {article.meta.get("page", article.id) for article in trace.articles}
    split = len(trace.articles) - len(pages)
    from_pages = (
        f" (from {plural(len(pages), 'page')}: {plural(split, 'page')} held more than one story)"
        if split > 0
        else ""
    )
    console.print(
        f"[bold]naql trace[/]: {plural(len(trace.articles), 'article')}{from_pages}, "
        f"{plural(len(trace.stories), 'story', 'stories')}, "
        f"{plural(len(trace.alignments), 'pair')} with reuse, "
        f"{plural(sum(len(a.passages) for a in trace.alignments), 'passage')} ({seconds:.2f} s)",
        highlight=False,
    )
    where = "all of them in --json" if has_json else "write them all with --json FILE"
    if top == 0:
        return
    read_from_page = [a for a in trace.articles if a.meta.get("outlet_from")]
    for article in read_from_page[:top]:
        _plain(
            console,
            f"  {article.id}: outlet {article.shown_outlet}, read from {article.meta['outlet_from']}",
        )
    _more(
        console,
        len(read_from_page) - top,
        "outlets read from their pages",
        "outlet read from its page",
        where,
    )
    shown = trace.stories[:top]
    for story in shown:
        print_story(story, articles, console)
    _more(console, len(trace.stories) - len(shown), "stories", "story", where)
    print_articles(trace, {a for story in shown for a in story.articles}, console)
    print_pairs(trace, articles, console, passages=passages, top=top, where=where)


def print_story(story: Story, articles: dict[str, Article], console: Console) -> None:
    names = node_names(story)
    origin = names.get(story.origin or "", story.origin or "unknown")
    # An article of an unknown outlet is named by its id alone (provenance gives it as its
    # outlet's name too): never «x (x)».
    if story.origin in articles and story.origin_outlet not in (None, story.origin):
        origin = f"{story.origin_outlet} ({story.origin})"
    console.print(f"\n[bold]Story {story.id}[/]: {escape(story.label)}")
    members = ", ".join(articles[a].label for a in story.articles)
    _plain(console, f"  articles: {members}")
    sources = f" ({'; '.join(story.sources)})" if story.sources else ""
    _plain(
        console,
        f"  origin: {origin}; independent sources: {story.independent_sources}{sources}",
    )
    if story.credited:
        _plain(console, f"  credited as source: {', '.join(story.credited)}")
    for hidden in story.hidden:
        _plain(console, f"  not in the pile: {hidden.name}: {hidden.reason}")
    for edge in story.edges:
        arrow = {"shared": "—", "template": "≈"}.get(edge.kind, "→")
        words = f"{edge.shared_words} shared words" if edge.kind != "credited" else "a credit"
        source = names.get(edge.source, edge.source)
        _plain(console, f"  {source} {arrow} {edge.target} ({edge.kind}, {words})")
        for signal in edge.signals:
            stance = "for" if signal.weight > 0 else "against"
            if edge.kind in ("shared", "template"):
                stance = f"{signal.weight:+.1f}"
            _plain(console, f"      {signal.name} ({stance}): {signal.detail}")
    for apart in story.kept_apart:
        _plain(
            console,
            f"  kept apart from story {apart.story} ({apart.article} ≠ {apart.other}, "
            f"{apart.reason}): {apart.detail}",
        )


def print_articles(trace: Trace, shown: set[str], console: Console) -> None:
    verdicts = [verdict for verdict in trace.verdicts if verdict.article in shown]
    if not verdicts:
        return
    table = Table(title="\nArticles", title_justify="left")
    for column in ("article", "story", "class", "reused", "from", "added", "credits"):
        table.add_column(column)
    articles = {article.id: article for article in trace.articles}
    names = {
        (story.id, node): name
        for story in trace.stories
        for node, name in node_names(story).items()
    }
    for verdict in verdicts:
        table.add_row(
            escape(articles[verdict.article].label),
            verdict.story,
            verdict.derivation,
            f"{verdict.reused_share:.0%}",
            escape(
                ", ".join(
                    f"{names.get((verdict.story, s.source), s.source)} ({s.share:.0%})"
                    for s in verdict.sources
                )
            )
            or "—",
            plural(len(verdict.added), "span") if verdict.added else "—",
            escape(", ".join(verdict.credits)) or "—",
        )
    console.print(table)


def print_pairs(
    trace: Trace,
    articles: dict[str, Article],
    console: Console,
    *,
    passages: bool,
    top: int,
    where: str = "all of them in --json",
) -> None:
    if not trace.alignments:
        console.print("No reused passages found.")
        return
    ranked = sorted(trace.alignments, key=lambda a: -(a.a_share + a.b_share))[:top]
    table = Table(title="Who shares text with whom", title_justify="left", show_lines=False)
    for column, justify in (
        ("article A", "left"),
        ("article B", "left"),
        ("passages", "right"),
        ("share of A", "right"),
        ("share of B", "right"),
        ("kinds", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for alignment in ranked:
        table.add_row(
            escape(articles[alignment.a].label),
            escape(articles[alignment.b].label),
            str(len(alignment.passages)),
            f"{alignment.a_share:.0%}",
            f"{alignment.b_share:.0%}",
            ", ".join(sorted({passage.kind for passage in alignment.passages})),
        )
    console.print(table)
    _more(console, len(trace.alignments) - len(ranked), "pairs", "pair", where)
    if not passages:
        return
    console.print("[bold]Passages[/] (character offsets into each article's text)")
    for alignment in ranked:
        a, b = articles[alignment.a], articles[alignment.b]
        for passage in alignment.passages:
            line = Text()
            line.append(f"{a.id} [{passage.a_span.start}:{passage.a_span.end}]", style="cyan")
            line.append(" ⇄ ")
            line.append(f"{b.id} [{passage.b_span.start}:{passage.b_span.end}]", style="cyan")
            line.append(f"  {passage.kind}, {plural(passage.matched_words, 'word')}\n")
            line.append(f"    A: {excerpt(a.text, passage.a_span.start, passage.a_span.end)}\n")
            line.append(f"    B: {excerpt(b.text, passage.b_span.start, passage.b_span.end)}")
            console.print(line)


def node_names(story: Story) -> dict[str, str]:
    """What a reader sees for a story's hidden nodes: their names, never their ids."""
    return {hidden.id: hidden.name for hidden in story.hidden}


def excerpt(text: str, start: int, end: int) -> str:
    snippet = " ".join(text[start:end].split())
    return snippet if len(snippet) <= EXCERPT else snippet[: EXCERPT - 1] + "…"


def _plain(console: Console, line: str) -> None:
    """Article text, ids and labels may hold brackets: never read them as rich markup."""
    console.print(line, markup=False, highlight=False)


def _more(console: Console, hidden: int, what: str, one: str, where: str) -> None:
    if hidden > 0:
        _plain(console, f"… and {hidden} more {one if hidden == 1 else what} ({where})")
