"""The HTML report without a browser: what it embeds, how it escapes, what it marks where, how
it lays the graph out, and the commands that write it (``naql trace --report``, ``naql
report``). tests/test_report_browser.py opens it in Chromium."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from conftest import EXAMPLE
from hypothesis import given
from hypothesis import strategies as st

from naql.cli import main
from naql.errors import InputError
from naql.records import Edge, Story, Trace, from_json
from naql.report.html import render, script_json
from naql.report.layout import NODE_HEIGHT, layers, layout
from naql.report.model import Index, block_ids, origin_name, story_rows
from naql.report.pairs import (
    ADDED,
    DIFF,
    Marks,
    Tokens,
    WordCache,
    direction,
    inked,
    runs,
    word_diffs,
)
from naql.store import open_store
from naql.store.browse import stories_trace
from naql.text import words

TEASER = "000_29410af33499cb13#1"
REWRITES = ("001_c815468371a09db8", "003_0298d090f25e48f7", "004_d61fa5c1789e1101")


@pytest.fixture(scope="module")
def haftar_trace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Trace, Path]:
    """naql trace on the bundled example, with its report."""
    folder = tmp_path_factory.mktemp("report")
    traced, report = folder / "trace.json", folder / "report.html"
    arguments = ["trace", str(EXAMPLE), "--json", str(traced), "--report", str(report)]
    assert main([*arguments, "--top", "0", "--no-progress", "--quiet"]) == 0
    return from_json(Trace, json.loads(traced.read_text(encoding="utf-8"))), report


def _blocks(html: str) -> dict[str, object]:
    found = re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', html, re.S)
    return {block: json.loads(data) for block, data in found}


# -- the file -----------------------------------------------------------------------------------


def test_the_report_is_one_file_that_fetches_nothing(haftar_trace) -> None:
    trace, report = haftar_trace
    html = report.read_text(encoding="utf-8")
    assert html == render(trace, title=f"naql trace {EXAMPLE}")
    assert not re.search(r"<(link|img|iframe|object|embed)\b", html, re.I)
    assert not re.search(r"\bsrc\s*=", html, re.I)
    assert "url(http" not in html and "@import" not in html
    # Only the report's own script may run: the policy names it by its hash.
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert policy is not None and "default-src 'none'" in policy.group(1)
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy.group(1)


def test_the_list_and_each_story_are_json_blocks(haftar_trace) -> None:
    trace, report = haftar_trace
    blocks = _blocks(report.read_text(encoding="utf-8"))
    rows = blocks.pop("stories")
    assert blocks.pop("opening") == {"route": None, "home": None}  # a report opens on its list
    assert [row["id"] for row in rows] == [s.id for s in trace.stories]  # type: ignore[union-attr]
    assert sorted(blocks) == sorted(f"story-{s.id}" for s in trace.stories)
    haftar = blocks["story-s1"]
    assert isinstance(haftar, dict)
    assert haftar["origin"] == "الشرق الأوسط (full version, not in the pile)"
    # Each story's block holds its own articles' texts, no other.
    assert [a["id"] for a in haftar["articles"]] == [TEASER, *REWRITES]
    text = json.dumps(haftar, ensure_ascii=False)
    assert "hidden:aawsat" not in text  # names, never internal ids
    assert "بلينكن" not in text  # the Sullivan story's text stays in its own block


def test_script_json_cannot_end_its_element_and_reads_back() -> None:
    data = {"text": "</script><script>alert(1)</script><!-- & \u2028\u2029 «نص»", "n": [1, -1]}
    escaped = str(script_json(data))
    assert not set("<>&\u2028\u2029") & set(escaped)
    assert json.loads(escaped) == data
    assert "«نص»" in escaped  # other text stays as it is: no \\u for Arabic (size)


def test_a_title_cannot_reorder_or_inject(haftar_trace) -> None:
    trace, _ = haftar_trace
    html = render(trace, title="<b>x</b>\u202edir")
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "\u202e" not in html.split("<script")[0] and "⟦RLO⟧dir" in html


def test_block_ids_are_safe_whatever_the_story_ids() -> None:
    stories = [
        Story(id, "label", [], None, None, 0, [], [], [])
        for id in ("s1", '"><script>', "s1", "s 2")
    ]
    assert block_ids(stories) == ["story-s1", "story-n1", "story-n2", "story-n3"]


# -- the model ----------------------------------------------------------------------------------


def test_origins_are_named_never_by_internal_ids(haftar_trace) -> None:
    trace, _ = haftar_trace
    index = Index.of(trace)
    rows = story_rows(trace, index, block_ids(trace.stories))
    origins = {row["label"][:5]: row["origin"] for row in rows}
    assert all(not origin.startswith("hidden:") for origin in origins.values())
    assert any("بلومبرغ" in origin for origin in origins.values())
    story = trace.stories[0]
    unknown = Story("x", "l", [], "hidden:gone", None, 0, [], [], [])
    assert origin_name(unknown, index.articles) == "a source not in the pile"
    assert origin_name(story, index.articles) == "الشرق الأوسط (full version, not in the pile)"


def test_edges_from_the_hidden_source_open_the_rewrites_pairs(haftar_trace) -> None:
    _, report = haftar_trace
    story = _blocks(report.read_text(encoding="utf-8"))["story-s1"]
    assert isinstance(story, dict)
    graph, articles, pairs = story["graph"], story["articles"], story["pairs"]
    hidden = [n for n in graph["nodes"] if n["hidden"] >= 0]
    assert [n["lines"] for n in hidden] == [["الشرق الأوسط", "(full version, not in the pile)"]]
    for edge in graph["edges"]:
        target = articles[graph["nodes"][edge["to"]]["article"]]["id"]
        assert edge["label"].endswith("%") and edge["pairs"], edge
        for number in edge["pairs"]:
            pair = pairs[number]
            ends = {articles[pair["left"]]["id"], articles[pair["right"]]["id"]}
            assert target in ends
    # The teaser is an excerpt, the rewrites derived: in its pairs the rewrite is the derived side.
    for pair in pairs:
        left, right = articles[pair["left"]]["id"], articles[pair["right"]]["id"]
        if TEASER in (left, right):
            assert pair["derived"] == ("right" if left == TEASER else "left")
    assert all(a["dir"] == "rtl" for a in articles)
    linked = [a for a in articles if a["link"]]
    assert all(a["url"].startswith("http") for a in linked)


# -- marks in the text --------------------------------------------------------------------------


def _paint(length: int, marks: Marks) -> list[tuple[int, int, int]]:
    """The state of each character, painted naively: what ``runs`` must agree with."""
    state = []
    for at in range(length):
        passage = next((n for n, (s, e) in enumerate(marks.passages) if s <= at < e), -1)
        bits = (DIFF if any(s <= at < e for s, e in marks.diffs) else 0) | (
            ADDED if any(s <= at < e for s, e in marks.added) else 0
        )
        credit = next((n for n, (s, e) in enumerate(marks.credits) if s <= at < e), -1)
        state.append((passage, bits, credit))
    return state


spans = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 60)).map(lambda t: (min(t), max(t))), max_size=5
)


@given(st.integers(0, 50), spans, spans, spans, spans)
def test_runs_cover_the_text_and_mark_each_character_as_painted(
    length: int, passages, diffs, added, credits
) -> None:
    marks = Marks(passages, diffs, added, credits)
    flat = runs(length, marks)
    assert len(flat) % 4 == 0
    cut = [flat[n : n + 4] for n in range(0, len(flat), 4)]
    ends = [run[0] for run in cut]
    assert ends == sorted(set(ends)) and (not cut or ends[-1] == length)
    painted, start = [], 0
    for end, passage, bits, credit in cut:
        painted += [(passage, bits, credit)] * (end - start)
        start = end
    assert painted == _paint(length, marks)
    # Neighbouring runs differ: nothing is cut for nothing.
    assert all(a[1:] != b[1:] for a, b in zip(cut, cut[1:]))


def _tokens(text: str) -> Tokens:
    found = words(text)
    return Tokens(found.forms, found.starts.tolist(), found.ends.tolist())


def test_word_diffs_mark_what_the_other_side_lacks() -> None:
    a = "قال الوزير إن الزيارة ناجحة جدا وإن التعاون مستمر"
    b = "قال الوزير إن الزيارة كانت ناجحة وإن التعاون مستمر"
    left, right = word_diffs(_tokens(a), (0, len(a)), _tokens(b), (0, len(b)), "edited")
    assert [a[s:e] for s, e in left] == ["جدا"]
    assert [b[s:e] for s, e in right] == ["كانت"]
    # Spelling variants the aligner folds (hamza, diacritics) are not differences.
    c = "قال الوزير ان الزيارة ناجحةٌ جدا وان التعاون مستمر"
    assert word_diffs(_tokens(a), (0, len(a)), _tokens(c), (0, len(c)), "edited") == ([], [])
    # A shuffled passage is compared by presence: moved words are not marked.
    d = "التعاون مستمر وإن الزيارة ناجحة جدا قال الوزير إن"
    assert word_diffs(_tokens(a), (0, len(a)), _tokens(d), (0, len(d)), "shuffled") == ([], [])


def test_a_figure_spelled_in_words_is_no_difference_from_the_figure() -> None:
    # The aligner reads «الخامسة عشرة» as «15» (naql.text.numbers): so does the report.
    spa = "تعيين سالم القحطاني على وظيفة مستشار بالمرتبة الخامسة عشرة بإمارة منطقة تبوك"
    paper = "تعيين سالم القحطاني على وظيفة مستشار بالمرتبة 15 بإمارة منطقة تبوك"
    read = WordCache({"spa": spa, "paper": paper}, [])
    assert word_diffs(read("spa"), (0, len(spa)), read("paper"), (0, len(paper)), "edited") == (
        [],
        [],
    )
    other = paper.replace("15", "14")
    read = WordCache({"spa": spa, "other": other}, [])
    left, right = word_diffs(read("spa"), (0, len(spa)), read("other"), (0, len(other)), "edited")
    assert [spa[s:e] for s, e in left] == ["الخامسة عشرة"]
    assert [other[s:e] for s, e in right] == ["14"]


def test_neighbouring_differing_words_are_one_mark() -> None:
    a, b = "one two three four five", "one six seven four five"
    left, right = word_diffs(_tokens(a), (0, len(a)), _tokens(b), (0, len(b)), "edited")
    assert [a[s:e] for s, e in left] == ["two three"]
    assert [b[s:e] for s, e in right] == ["six seven"]


def test_added_material_is_marked_on_printed_lines_only() -> None:
    text = "first line\n   \n\n  second  line  \n"
    assert [text[s:e] for s, e in inked(text, [(0, len(text))])] == ["first line", "second  line"]


def test_direction_follows_the_letters() -> None:
    assert direction("قال الوزير إن الزيارة ناجحة (AFP)") == "rtl"
    assert direction("The minister said «نعم» twice") == "ltr"
    assert direction("Élysée: réunion à Paris") == "ltr"
    assert direction("") == "ltr"


# -- the graph ----------------------------------------------------------------------------------


def _edge(source: str, target: str, kind: str = "copied") -> Edge:
    return Edge(source, target, kind, 10, [])


def test_layers_are_depths_from_the_roots() -> None:
    edges = [
        _edge("h", "a", "excerpt"),
        _edge("a", "b"),
        _edge("h", "c"),
        _edge("c", "d", "shared"),
    ]
    assert layers(["h", "a", "b", "c", "d"], edges) == {"h": 0, "a": 1, "b": 2, "c": 1, "d": 0}
    # A cycle should not happen; if it does, its nodes share a layer instead of failing.
    assert layers(["a", "b"], [_edge("a", "b"), _edge("b", "a")]) == {"a": 0, "b": 0}


def test_layout_places_every_node_apart_and_draws_every_edge() -> None:
    nodes = ["h", *(f"a{n}" for n in range(14))]
    edges = [_edge("h", node) for node in nodes[1:]] + [_edge("a1", "a2", "shared")]
    placed = layout(nodes, edges)
    points = {(p.x, p.y) for p in placed.centres.values()}
    assert len(points) == len(nodes)  # a wide layer wraps onto more rows, nothing overlaps
    assert all(0 < p.x < placed.width and 0 < p.y < placed.height for p in placed.centres.values())
    assert len(placed.edges) == len(edges)
    assert placed.edges[0].path.startswith("M") and " L" in placed.edges[0].path
    same_row = placed.centres["a1"].y == placed.centres["a2"].y
    assert same_row and " Q" in placed.edges[-1].path  # an arc over the row
    assert placed.centres["h"].y + NODE_HEIGHT < placed.centres["a1"].y


# -- the commands -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def index_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("index") / "naql.db"
    assert main(["index", "add", str(EXAMPLE), "--db", str(db), "--no-progress", "--quiet"]) == 0
    return db


def test_report_from_the_index_draws_all_or_the_stories_asked(index_db, tmp_path, capsys) -> None:
    every = tmp_path / "all.html"
    assert main(["report", "--db", str(index_db), "--out", str(every)]) == 0
    rows = _blocks(every.read_text(encoding="utf-8"))["stories"]
    assert isinstance(rows, list) and len(rows) == 3
    some = tmp_path / "some.html"
    # A story id, and an article id standing for its story (ids of stories change, articles' stay).
    assert main(["report", "--db", str(index_db), "s3", TEASER, "--out", str(some), "-q"]) == 0
    rows = _blocks(some.read_text(encoding="utf-8"))["stories"]
    assert isinstance(rows, list) and [row["id"] for row in rows] == ["s3", "s1"]
    assert capsys.readouterr().err.count("wrote") == 1  # -q: nothing said


def test_report_refuses_unknown_ids_and_unwritable_files(index_db, tmp_path, capsys) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "--db", str(index_db), "nope", "--out", str(out)]) == 1
    assert "nope" in capsys.readouterr().err and not out.exists()
    missing = tmp_path / "no" / "r.html"
    assert main(["report", "--db", str(index_db), "--out", str(missing)]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_stories_trace_merges_the_stories_asked_and_names_the_unknown(index_db) -> None:
    store = open_store(index_db, readonly=True)
    try:
        whole = stories_trace(store)
        assert [s.id for s in whole.stories] == ["s1", "s2", "s3"] and len(whole.articles) == 6
        two = stories_trace(store, ["s3", "s1", "s3"])
        assert [s.id for s in two.stories] == ["s3", "s1"]
        assert two.counts["articles"] == 5 and {a.id for a in two.articles} >= {TEASER, *REWRITES}
        with pytest.raises(InputError, match="no story s9, nope"):
            stories_trace(store, ["s1", "s9", "nope"])
    finally:
        store.close()


def test_trace_checks_the_report_path_before_any_work(tmp_path, capsys) -> None:
    missing = tmp_path / "no" / "r.html"
    assert main(["trace", str(EXAMPLE), "--report", str(missing), "--no-progress"]) == 2
    captured = capsys.readouterr()
    assert "--report" in captured.err and "naql trace:" not in captured.out


def test_the_script_is_every_part_once_in_one_scope() -> None:
    # A part added to static/script/ but not to SCRIPT_PARTS would never reach a report.
    from importlib import resources

    from naql.report.html import SCRIPT_PARTS, _assets

    folder = resources.files("naql.report") / "static" / "script"
    on_disk = sorted(p.name.removesuffix(".js") for p in folder.iterdir() if p.name.endswith(".js"))
    assert sorted(SCRIPT_PARTS) == on_disk
    _, script = _assets()
    assert script.count("(function () {") == 1 and script.rstrip().endswith("})();")
    assert script.index("function put(") < script.index("function drawList(")  # text first
    assert script.rstrip().splitlines()[-2].strip() == "route();"  # the page starts last
