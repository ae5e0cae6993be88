"""What the readers take and give: :class:`ReadOptions` and :class:`ReadResult`."""

from __future__ import annotations

from dataclasses import dataclass, field

from naql.records import Article, Problem


@dataclass(slots=True, kw_only=True)
class ReadOptions:
    """How to read inputs: which record fields hold what, and whether to descend into folders."""

    text_field: str = "text"
    id_field: str = "id"
    outlet_field: str = "outlet"
    url_field: str = "url"
    date_field: str = "date"
    title_field: str = "title"
    # The byline («الرياض - واس»): where most wire copy is credited, read by attribution.
    author_field: str = "author"
    recursive: bool = True


@dataclass(slots=True)
class ReadResult:
    """Everything read: the articles, the problems, and how many inputs were skipped, by reason.

    ``problems`` holds skips (``Problem.skipped``) and notices about inputs that were used anyway
    (``skipped`` False, e.g. bytes replaced while decoding). ``skipped`` tallies, by reason, the
    inputs passed over without a Problem of their own (hidden files, the metadata sidecar...) or
    with one (an unknown file type is both counted here and reported).
    """

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def take(self) -> list[Article]:
        """The articles, handed over: this result no longer holds them. Passed straight to
        :func:`naql.pipeline.trace`, the pages as read are let go once cleaned, rather than
        held through the whole trace."""
        articles, self.articles = self.articles, []
        return articles

    @property
    def skipped_records(self) -> int:
        """The exact number of inputs or records skipped with a Problem.

        Not ``len(problems)``: notices are left out, and a summary Problem (the per-file cap's
        "N more problems in this file not shown") counts for the ``N`` it stands for.
        """
        return sum(problem.count for problem in self.problems if problem.skipped)

    @property
    def notes(self) -> list[Problem]:
        """The notices: Problems about inputs that were used anyway (not skips)."""
        return [problem for problem in self.problems if not problem.skipped]
