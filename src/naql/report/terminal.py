"""The terminal summary of a trace: pairs first, then passages, then what was skipped."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from naql.records import Article, Trace

EXCERPT = 70


def print_stories(trace: Trace, console: Console) -> None:
    articles = {article.id: article for article in trace.articles}
    for story in trace.stories:
        origin = story.origin or "unknown"
        if story.origin_outlet:
            origin = (
                f"{story.origin_outlet} ({origin})"
                if not origin.startswith("hidden:")
                else story.origin_outlet + " — full version, not in the pile"
            )
        console.print(f"\n[bold]Story {story.id}[/]: {story.label}")
        console.print(
            f"  articles: {', '.join(article_label(articles[a]) for a in story.articles)}"
        )
        console.print(f"  origin: {origin}; independent sources: {story.independent_sources}")
        if story.credited:
            console.print(f"  credited as source: {', '.join(story.credited)}")
        for hidden in story.hidden:
            console.print(f"  hidden source {hidden.id}: {hidden.reason}")
        for edge in story.edges:
            arrow = {"shared": "—", "template": "≈"}.get(edge.kind, "→")
            console.print(
                f"  {edge.source} {arrow} {edge.target} ({edge.kind}, {edge.shared_words} shared words)"
            )
            for signal in edge.signals:
                stance = "for" if signal.weight > 0 else "against"
                if edge.kind in ("shared", "template"):
                    stance = f"{signal.weight:+.1f}"
                console.print(
                    f"      {signal.name} ({stance}): {signal.detail}",
                    highlight=False,
                    markup=False,
                )


def print_articles(trace: Trace, console: Console) -> None:
    if not trace.verdicts:
        return
    table = Table(title="\nArticles", title_justify="left")
    for column in ("article", "story", "class", "reused", "from", "added", "credits"):
        table.add_column(column)
    articles = {article.id: article for article in trace.articles}
    for verdict in trace.verdicts:
        table.add_row(
            article_label(articles[verdict.article]),
            verdict.story,
            verdict.derivation,
            f"{verdict.reused_share:.0%}",
            ", ".join(f"{s.source} ({s.share:.0%})" for s in verdict.sources) or "—",
            f"{len(verdict.added)} spans" if verdict.added else "—",
            ", ".join(verdict.credits) or "—",
        )
    console.print(table)


def article_label(article: Article) -> str:
    return f"{article.id} ({article.outlet})" if article.outlet else article.id


def _excerpt(text: str, start: int, end: int) -> str:
    snippet = " ".join(text[start:end].split())
    return snippet if len(snippet) <= EXCERPT else snippet[: EXCERPT - 1] + "…"


def print_trace(trace: Trace, console: Console, *, passages: bool = True) -> None:
    articles = {article.id: article for article in trace.articles}
    seconds = sum(trace.timings.values())
    console.print(
        f"[bold]naql trace[/]: {len(trace.articles)} articles, {len(trace.stories)} stories, "
        f"{len(trace.alignments)} pairs with reuse, "
        f"{sum(len(a.passages) for a in trace.alignments)} passages ({seconds:.2f} s)"
    )
    print_stories(trace, console)
    print_articles(trace, console)
    if trace.alignments:
        pairs = Table(title="Who shares text with whom", title_justify="left", show_lines=False)
        pairs.add_column("article A")
        pairs.add_column("article B")
        pairs.add_column("passages", justify="right")
        pairs.add_column("share of A", justify="right")
        pairs.add_column("share of B", justify="right")
        pairs.add_column("kinds")
        for alignment in sorted(trace.alignments, key=lambda a: -(a.a_share + a.b_share)):
            kinds = sorted({passage.kind for passage in alignment.passages})
            pairs.add_row(
                article_label(articles[alignment.a]),
                article_label(articles[alignment.b]),
                str(len(alignment.passages)),
                f"{alignment.a_share:.0%}",
                f"{alignment.b_share:.0%}",
                ", ".join(kinds),
            )
        console.print(pairs)
    else:
        console.print("No reused passages found.")
    if passages and trace.alignments:
        console.print("[bold]Passages[/] (character offsets into each article's text)")
        for alignment in trace.alignments:
            a, b = articles[alignment.a], articles[alignment.b]
            for passage in alignment.passages:
                line = Text()
                line.append(f"{a.id} [{passage.a_span.start}:{passage.a_span.end}]", style="cyan")
                line.append(" ⇄ ")
                line.append(f"{b.id} [{passage.b_span.start}:{passage.b_span.end}]", style="cyan")
                line.append(f"  {passage.kind}, {passage.matched_words} words\n")
                line.append(
                    f"    A: {_excerpt(a.text, passage.a_span.start, passage.a_span.end)}\n"
                )
                line.append(f"    B: {_excerpt(b.text, passage.b_span.start, passage.b_span.end)}")
                console.print(line)
