"""The HTML report: one self-contained file a fact-checker can mail to an editor.

Everything is inline (CSS, JavaScript, the graphs as SVG drawn from data), so the file opens
from disk with no network. What to show is decided in :mod:`naql.report.model`; here it is
embedded: the story list as one small JSON block that the page renders in pages of 50 rows,
and each story's data in a JSON block of its own, parsed only when the story is opened — a
pile of 30,000 articles opens as fast as one of five.

Safety: the page puts data into the document only as text (``textContent``), never as HTML;
the JSON blocks escape ``<``, ``>``, ``&`` and U+2028/9 so an article holding ``</script>`` or
``<!--`` cannot end its block; a Content-Security-Policy allows only the report's own script
(by its hash) and no network at all, so even markup that slipped through could not run.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from naql import __version__
from naql.records import Trace
from naql.report.model import Index, block_ids, story_blocks, story_rows
from naql.report.terminal import plural

# Bidirectional controls would reorder the page around them; shown as inert markers instead
# (the page does the same to every text it draws).
BIDI_CONTROLS = {
    0x202A: "LRE",
    0x202B: "RLE",
    0x202C: "PDF",
    0x202D: "LRO",
    0x202E: "RLO",
    0x2066: "LRI",
    0x2067: "RLI",
    0x2068: "FSI",
    0x2069: "PDI",
}
_INERT = {code: f"⟦{name}⟧" for code, name in BIDI_CONTROLS.items()}


def render(
    trace: Trace, *, title: str | None = None, route: str | None = None, home: str | None = None
) -> str:
    """The report of ``trace`` as one HTML document. ``route`` (``story=s1&pair=0``) is what
    the page opens on when its address names nothing; ``home`` is where «All stories» leads
    (a server's story list) instead of the page's own list."""
    return "".join(chunks(trace, title=title, route=route, home=home))


def write(trace: Trace, path: str | Path, *, title: str | None = None) -> None:
    """Write the report to ``path``, a file or a URL (``s3://bucket/report.html``), as it is
    rendered (a large pile's report is never held whole in memory), atomically: an interrupted
    write leaves no half report behind."""
    from naql.ingest.remote import text_written

    # A lone surrogate (undecodable input) cannot be UTF-8: as \udcxx it stays valid inside
    # the JSON strings, where all article text is.
    with text_written(path, errors="backslashreplace") as handle:
        for chunk in chunks(trace, title=title):
            handle.write(chunk)


def chunks(
    trace: Trace, *, title: str | None = None, route: str | None = None, home: str | None = None
) -> Iterator[str]:
    """The report as a stream of strings, story blocks rendered one at a time."""
    index = Index.of(trace)
    blocks = block_ids(trace.stories)
    rows = story_rows(trace, index, blocks)
    css, script = _assets()
    template = _environment().get_template("report.html.j2")
    passages = sum(len(a.passages) for a in trace.alignments)
    pages = len({a.meta.get("page", a.id) for a in trace.articles})
    context = {
        "title": inert(title or "naql report"),
        "summary": ", ".join(
            (
                plural(len(trace.articles), "article")
                + (f" (from {plural(pages, 'page')})" if pages != len(trace.articles) else ""),
                plural(len(trace.stories), "story", "stories"),
                f"{plural(len(trace.alignments), 'pair')} with reuse",
                plural(passages, "passage"),
            )
        ),
        "version": __version__,
        "schema": trace.schema_version,
        "css": Markup(css),
        "script": Markup(script),
        "script_hash": "sha256-"
        + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode(),
        "rows": script_json(rows),
        "opening": script_json({"route": route, "home": home}),
        "blocks": ((block, script_json(data)) for block, data in story_blocks(trace, index, rows)),
    }
    yield from template.generate(**context)


def script_json(data: Any) -> Markup:
    """``data`` as JSON that can sit inside ``<script type="application/json">``: the
    characters that could end the element or open a comment (``<``, ``>``, ``&``) and the line
    separators older parsers choke on are written as ``\\uXXXX``; JSON.parse reads them back
    unchanged. (Outside strings JSON has none of these characters, so replacing all is safe.)"""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    return Markup(text)  # noqa: S704 (escaped for this context above)


def inert(text: str) -> str:
    """``text`` with its bidirectional controls replaced by visible markers («⟦RLO⟧»)."""
    return text.translate(_INERT)


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("naql.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


# The report's script, a part per thing it draws (naql/report/static/script/), in the order
# they run: one function scope, as one file was.
SCRIPT_PARTS = ("setup", "text", "list", "story", "graph", "pairs", "articles", "start")
_SCRIPT_HEAD = """/* naql's report: draws the story list, and a story's page when it is opened.
 *
 * Every decision (layout, what to mark where) was made in Python; this script only draws.
 * Data reaches the document only through textContent, createTextNode and setAttribute,
 * never as HTML, and bidirectional controls in it are shown as inert markers. */
(function () {
  "use strict";

"""


@functools.cache
def _assets() -> tuple[str, str]:
    """The stylesheet and the script, checked so they cannot end the element they sit in."""
    static = resources.files("naql.report") / "static"
    css = (static / "report.css").read_text(encoding="utf-8")
    texts = {"report.css": (css, "</style")}
    for part in SCRIPT_PARTS:
        text = (static / "script" / f"{part}.js").read_text(encoding="utf-8")
        texts[f"script/{part}.js"] = (text, "</script")
    for name, (text, closing) in texts.items():
        if closing in text.lower() or "<!--" in text:
            raise RuntimeError(f"naql/report/static/{name} holds {closing!r} or '<!--'")
    script = "\n".join(texts[f"script/{part}.js"][0] for part in SCRIPT_PARTS)
    return css, f"{_SCRIPT_HEAD}{script}}})();\n"
