"""The stages composed: each step under a timer, so ``run`` reads like a table of contents.

The CLI, the benchmarks and (later) the server and the Spark job call these functions; none of
them re-implements a stage.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from naql import memo
from naql.align import TokenPassage, passages_by_pair
from naql.attribution import attribute, named_outlets
from naql.backends import Backend, cleaning, tasks
from naql.clean import CleanConfig, CleanResult, clean_articles
from naql.config import Config
from naql.memo import Memo
from naql.outlets import Gazetteer, mostly_latin
from naql.outlets import load as load_gazetteer
from naql.pairs import (
    PairInputs,
    PassageMaker,
    Template,
    describe_pairs,
    shared_text,
)
from naql.provenance import StoryInput
from naql.provenance.hidden import calendar_stems
from naql.records import (
    Alignment,
    Article,
    Attribution,
    Problem,
    Story,
    Trace,
    Verdict,
)
from naql.reuse import candidate_stage, reused_passages, tokenize
from naql.stages import Progress, Timer, _no_progress, unfrozen
from naql.stories import (
    article_similarity,
    representatives,
    story_id,
)
from naql.stories.apart import kept_apart
from naql.stories.stage import stories_stage
from naql.stories.topical import term_weights
from naql.text import Tokens, Vocabulary


def trace(
    articles: Sequence[Article],
    config: Config | None = None,
    problems: Sequence[Problem] = (),
    progress: Progress = _no_progress,
    gazetteer: Gazetteer | None = None,
    cleaning: CleanConfig | None = None,
    outlets_file: str | None = None,
    remember: Memo | None = None,
    backend: Backend | None = None,
) -> Trace:
    """Who reuses whom among ``articles``, grouped into stories, with provenance and credits.

    With ``cleaning``, the pages are cleaned first (:mod:`naql.clean`: chrome out, multi-story
    pages split) and the trace is of the cleaned articles. With a ``backend``
    (:mod:`naql.backends`), the heavy stages run there, with the same result as here."""
    # No wrapper around this function: it would hold the pages as read for the whole trace.
    with unfrozen():
        timer = Timer(freeze=True)
        if backend is not None and backend.workers <= 1 and backend.name == "local":
            backend = None
        config = config or Config()
        if gazetteer is None:
            latin = mostly_latin(a.text for a in articles)
            gazetteer = load_gazetteer(outlets_file, latin_names=latin)
        dropped_lines = None
        if cleaning is not None:
            cleaned = clean(articles, cleaning, timer, progress, backend)
            articles, dropped_lines = cleaned.articles, sum(cleaned.dropped.values())
            # The pages as read (the result holds them, for explain()) go now unless the
            # caller keeps them (:meth:`naql.ingest.ReadResult.take` hands them over): on
            # SaudiNewsNet 24-34 MB of the trace's peak, here and in every worker forked later.
            del cleaned
        return _traced(
            articles, config, problems, progress, gazetteer, remember, backend, timer, dropped_lines
        )


def _traced(
    articles: Sequence[Article],
    config: Config,
    problems: Sequence[Problem],
    progress: Progress,
    gazetteer: Gazetteer,
    remember: Memo | None,
    backend: Backend | None,
    timer: Timer,
    dropped_lines: int | None,
) -> Trace:
    """:func:`trace` of the (cleaned) articles."""
    articles, renamed = unique_ids(articles)
    problems = [*problems, *renamed]
    vocabulary = Vocabulary(config.text.latin_language)
    with timer.stage("tokenize"):
        texts = [article.text for article in articles]
        if remember is None:
            tokens = tokenize(texts, vocabulary, progress, backend)
        else:
            if (drop := getattr(backend, "drop_cleaned", None)) is not None:
                drop()  # Spark: tokenised from the index, not from the texts it cleaned
            tokens = memo.tokenize(
                texts, vocabulary, remember, lambda done, total: progress("tokenize", done, total)
            )
    credits_job = None
    if backend is not None and remember is None:
        # Credits need only the texts: read them on the other cores while this process works
        # through similarity and candidates, which no worker shares.
        with timer.stage("attribution"):  # a moment here, unless the backend cannot wait
            credits_job = tasks.credits_start(articles, gazetteer, backend, backend.workers - 1)
    aligning = None
    if backend is not None and backend.workers > 1 and remember is None and len(tokens) > 1:
        # The similarity pass below runs in this process alone: the rare-stem candidates are
        # aligned on the workers meanwhile, and the few near neighbours they miss after.
        seeded = candidate_stage(tokens, None, len(vocabulary), config, timer, progress, backend)
        aligning = tasks.align_start(tokens, seeded, len(vocabulary), config.align, backend)
    with timer.stage("similarity"):
        boost = term_weights(vocabulary, config.stories)
        topical = article_similarity(
            articles,
            tokens,
            boost,
            config.stories,
            lambda done, total: progress("similarity", done, total),
            getattr(backend, "topical_similarity", None),
        )
        similar = [pair for pair, value in topical.items() if value >= config.candidates.min_cosine]
    pair_inputs = PairInputs.of(articles, tokens, vocabulary)
    described: dict[tuple[int, int], tuple[Alignment, Template | None]] = {}
    # Spark describes the pairs where their texts are, once all are aligned (its join is
    # awaited whole: describing chunks here as they come back would come after it anyway).
    describer = getattr(backend, "describe_pairs", None)
    if aligning is not None and backend is not None:
        with timer.stage("align"):
            known = set(aligning.pairs)
            more = sorted({pair for pair in similar if pair not in known})
            # Each chunk's pairs are described here as it comes back: this process has
            # nothing else to do while the workers align, and after them it works alone.
            passages = tasks.align_finish(
                aligning,
                tokens,
                more,
                len(vocabulary),
                config.align,
                backend,
                lambda done, total: progress("align", done, total),
                None
                if describer is not None
                else lambda found: described.update(_described(pair_inputs, found)),
            )
        del aligning
    else:
        passages = reused_passages(
            tokens,
            None,
            len(vocabulary),
            config,
            timer,
            similar,
            progress,
            None
            if remember is None
            else (remember, vocabulary, [memo.text_key(remember, t) for t in texts]),
            backend,
        )
    pages_cut = 0
    by_pair = passages_by_pair(passages)
    with timer.stage("pairs"):
        ordered = sorted(by_pair.items())
        # In this process even with local workers: shipping the records back cost more than
        # building them (0.9 s on one core, 1.2 s on two for 6,000 articles). Spark's
        # executors describe them beyond spark.naql.pairs.driverPairs, where one driver core
        # no longer keeps up.
        missing = [(pair, group) for pair, group in ordered if pair not in described]
        records = None if describer is None or not missing else describer(pair_inputs, missing)
        if records is None:
            records = describe_pairs(pair_inputs, missing)
        described.update(zip([pair for pair, _ in missing], records))
        alignments = [described[pair][0] for pair, _ in ordered]
        templates = {pair: found for pair, _ in ordered if (found := described[pair][1])}
        # Every pair is described: what describing kept per text (place stems, slot
        # positions) goes before stories and provenance, the trace's last peak.
        pair_inputs.forget()
    with timer.stage("attribution"):
        told = lambda done, total: progress("attribution", done, total)  # noqa: E731
        if remember is not None:
            articles, credits = memo.attribute(articles, gazetteer, remember, told)
        elif credits_job is not None:
            read_credits = tasks.credits_of(credits_job)
            articles, credits = attribute(articles, gazetteer, told, read_credits=read_credits)
        else:
            articles, credits = attribute(articles, gazetteer, told)
        articles = named_outlets(articles, gazetteer)
    # Handed over: the stories stage lets go of the topical links once it has grouped them,
    # and the pairs' descriptions are in ``alignments`` and ``templates`` now (at 16x
    # SaudiNewsNet, about 1 GB held through the stage for nothing).
    handed = {"topical": topical}
    del topical, similar, ordered
    described.clear()
    with timer.stage("stories"):
        grouped = stories_stage(
            articles,
            tokens,
            by_pair,
            alignments,
            templates,
            credits,
            handed.pop("topical"),
            boost,
            vocabulary,
            config,
            backend,
            lambda done, total: progress("stories", done, total),
            remember,
        )
        articles, tokens, by_pair = grouped.articles, grouped.tokens, grouped.by_pair
        alignments, templates, credits = grouped.alignments, grouped.templates, grouped.credits
        groups, apart, lists, pages_cut = (
            grouped.groups,
            grouped.apart,
            grouped.lists,
            grouped.pages_cut,
        )
        del grouped
        stories_found = groups.members
        central = representatives(groups, [bool(article.title) for article in articles])
        # What keeps linked stories apart, for the reader (naql.stories.apart).
        kept = kept_apart(
            stories_found,
            [article.id for article in articles],
            groups.similarity,
            templates,
            apart,
            groups.days,
            config.stories.threshold,
        )
        # The similarity graph (a dict of every linked pair: 0.5 GB at 16x SaudiNewsNet) and
        # what else only these stages used go before provenance, the trace's last peak.
        del apart, groups
    with timer.stage("pairs"):
        # Stories read a dense overlap of names in no order as a link (two agencies' reports
        # of one match name its players); as shared text it would draw a copy or a common
        # source where each report wrote its own sentences.
        by_pair, alignments, templates = shared_text(
            by_pair, alignments, templates, PairInputs.of(articles, tokens, vocabulary), lists
        )
        passages_found = sum(len(group) for group in by_pair.values())
    with timer.stage("provenance"):
        stories, verdicts = _provenance(
            articles,
            tokens,
            by_pair,
            credits,
            stories_found,
            central,
            gazetteer,
            config.provenance.trust_dates,
            templates,
            vocabulary,
            progress,
            remember,
            backend,
        )
    stories = [
        dataclasses.replace(story, kept_apart=found) if found else story
        for story, found in zip(stories, kept)
    ]
    return Trace(
        articles=list(articles),
        alignments=alignments,
        stories=stories,
        verdicts=verdicts,
        attributions=credits,
        problems=list(problems),
        timings={name: round(seconds, 3) for name, seconds in timer.timings.items()},
        counts={
            "articles": len(articles),
            "tokens": sum(len(t) for t in tokens),
            "pairs_with_reuse": len(alignments),
            "passages": passages_found,
            "stories": len(stories),
            "problems": len(problems),
            **({"pages_cut_into_items": pages_cut} if pages_cut else {}),
            **({"dropped_lines": dropped_lines} if dropped_lines is not None else {}),
        },
    )


def _described(
    inputs: PairInputs, passages: Sequence[TokenPassage]
) -> list[tuple[tuple[int, int], tuple[Alignment, Template | None]]]:
    """Each pair's record and template evidence (:func:`describe_pairs`), for ``passages``
    holding every passage of their pairs, in pair order."""
    ordered = sorted(passages_by_pair(passages).items())
    return [(pair, found) for (pair, _), found in zip(ordered, describe_pairs(inputs, ordered))]


def clean(
    articles: Sequence[Article],
    config: CleanConfig | None = None,
    timer: Timer | None = None,
    progress: Progress = _no_progress,
    backend: Backend | None = None,
) -> CleanResult:
    """The cleaning stage (:func:`naql.clean.clean_articles`) under a timer, on ``backend``'s
    workers where that pays (:func:`naql.backends.cleaning.cleans_apart`)."""
    told = lambda done, total: progress("clean", done, total)  # noqa: E731
    with (timer or Timer()).stage("clean"):
        if backend is not None and cleaning.cleans_apart(backend):
            return cleaning.clean_parallel(articles, config or CleanConfig(), backend, told)
        return clean_articles(articles, config, told)


def unique_ids(articles: Sequence[Article]) -> tuple[list[Article], list[Problem]]:
    """Every article an id of its own: a repeated id (two folders' «index.txt») gets «~2», «~3»,
    and the renaming is reported, since results are keyed by id."""
    seen: dict[str, int] = {}
    result, problems = [], []
    for article in articles:
        count = seen[article.id] = seen.get(article.id, 0) + 1
        if count > 1:
            new_id = f"{article.id}~{count}"
            problems.append(
                Problem(
                    article.path or article.id, f"id {article.id!r} repeated; renamed {new_id!r}"
                )
            )
            article = dataclasses.replace(article, id=new_id)
        result.append(article)
    return result, problems


def story_label(article: Article) -> str:
    """An article's headline: its title, else its first non-blank line."""
    if article.title:
        return article.title.strip()
    for line in article.text.splitlines():
        if line.strip():
            return " ".join(line.split())[:160]
    return article.id


def _provenance(
    articles: Sequence[Article],
    tokens: Sequence[Tokens],
    by_pair: dict[tuple[int, int], list[TokenPassage]],
    credits: list[Attribution],
    groups: list[list[int]],
    central: list[int],
    gazetteer: Gazetteer,
    trust_dates: bool,
    templates: dict[tuple[int, int], Template],
    vocabulary: Vocabulary,
    progress: Progress = _no_progress,
    remember: Memo | None = None,
    backend: Backend | None = None,
) -> tuple[list[Story], list[Verdict]]:
    calendar = calendar_stems(vocabulary)  # may learn stems: before the figures list
    figures = [stem if stem.isdigit() else "" for stem in vocabulary.stems]
    is_figure = np.fromiter(map(bool, figures), dtype=bool, count=len(figures))
    index = {article.id: k for k, article in enumerate(articles)}
    per_article: dict[int, list[Attribution]] = {}
    for credit in credits:
        per_article.setdefault(index[credit.article], []).append(credit)
    story_of = {k: number for number, members in enumerate(groups) for k in members}
    story_pairs: dict[int, dict[tuple[int, int], list[TokenPassage]]] = {}
    for pair, found in by_pair.items():
        if story_of[pair[0]] == story_of[pair[1]]:
            story_pairs.setdefault(story_of[pair[0]], {})[pair] = found
    passage_maker = PassageMaker([a.id for a in articles], tokens)
    inputs = []
    for number, (members, representative) in enumerate(zip(groups, central), 1):
        inputs.append(
            StoryInput(
                members=members,
                articles=articles,
                tokens=tokens,
                passages=story_pairs.get(number - 1, {}),
                attributions=per_article,
                gazetteer=gazetteer,
                story_id=story_id(number - 1),
                trust_dates=trust_dates,
                templates={
                    pair: templates[pair]
                    for pair in story_pairs.get(number - 1, {})
                    if pair in templates
                },
                label=story_label(articles[representative]),
                figures=figures,
                is_figure=is_figure,
                calendar=calendar,
                to_passage=passage_maker,
            )
        )
    if remember is not None:
        return memo.trace_stories(
            inputs, remember, lambda done: progress("provenance", done, len(inputs)), backend
        )
    stories, verdicts = [], []
    told = lambda done, total: progress("provenance", done, total)  # noqa: E731
    for story, story_verdicts in tasks.trace_each(inputs, backend, told):
        stories.append(story)
        verdicts.extend(story_verdicts)
    return stories, verdicts
