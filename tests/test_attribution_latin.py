"""Credits in English and French: the reporting verb comes after the outlet's name."""

from __future__ import annotations

import pytest

from naql import outlets
from naql.attribution import article_attributions
from naql.records import Article, Attribution

GAZETTEER = outlets.load()


def found(text: str, outlet: str | None = None) -> list[Attribution]:
    return article_attributions(Article(id="x", text=text, outlet=outlet), GAZETTEER)


def credits(text: str, outlet: str | None = None) -> set[tuple[str, str]]:
    return {(a.outlet, a.role) for a in found(text, outlet)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The name before "reported", with words after it.
        ("Reuters reported on Tuesday that talks had stalled.", {("reuters", "source")}),
        ("The BBC reported that the minister had resigned.", {("bbc", "source")}),
        ("The minister has resigned, the BBC reported.", {("bbc", "source")}),
        ("Reuters reports that the vote was delayed.", {("reuters", "source")}),
        # "X said" for an outlet the gazetteer knows.
        ("The Guardian said the vote was delayed.", {("guardian", "source")}),
        ("AFP said on Monday that the border was closed.", {("afp", "source")}),
        (
            "Reuters quoted a ministry official as saying the talks had failed.",
            {("reuters", "source")},
        ),
        # Words that may stand between the name and its verb.
        ("Reuters on Tuesday reported that talks had stalled.", {("reuters", "source")}),
        ("The AFP news agency reported that talks had stalled.", {("afp", "source")}),
        ("The New York Times has reported that talks stalled.", {("nytimes", "source")}),
        # French: the perfect «a rapporté», with the elided article «l'».
        ("L'AFP a rapporté que les négociations avaient échoué.", {("afp", "source")}),
        ("Reuters a rapporté que les négociations avaient échoué.", {("reuters", "source")}),
    ],
)
def test_a_verb_after_the_name_is_a_source_credit(
    text: str, expected: set[tuple[str, str]]
) -> None:
    assert credits(text) == expected


def test_the_cue_is_the_verb() -> None:
    (credit,) = found("Reuters quoted a ministry official as saying the talks had failed.")
    assert (credit.outlet, credit.role, credit.cue) == ("reuters", "source", "quoted")
    (credit,) = found("L'AFP a rapporté que les négociations avaient échoué.")
    assert (credit.outlet, credit.role, credit.cue) == ("afp", "source", "rapporté")


def test_accents_in_decomposed_text_still_match() -> None:
    assert credits("L'AFP a rapporte\u0301 que les négociations avaient échoué.") == {
        ("afp", "source")
    }


def test_an_outlet_the_gazetteer_lacks_is_not_invented() -> None:
    assert credits("The Daily Gazette said the vote was delayed.") == set()
    # Beside it, an outlet the gazetteer knows is credited by the same verb.
    text = "The Daily Gazette said the vote was delayed.\nThe Guardian said it was not."
    assert credits(text) == {("guardian", "source")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Selon l'AFP, les négociations ont échoué.", {("afp", "source")}),
        ("Les négociations ont échoué, selon Reuters.", {("reuters", "source")}),
    ],
)
def test_selon(text: str, expected: set[tuple[str, str]]) -> None:
    assert credits(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A Reuters correspondent was injured in the blast.",
        "Reuters journalists said they had seen smoke over the city.",
        # The verb opens the next sentence: the name closed the previous one.
        "The minister gave an interview to the BBC. Reported cases rose again.",
        "The minister met the head of the BBC, said the embassy.",
    ],
)
def test_a_bare_mention_stays_a_mention(text: str) -> None:
    assert {role for _, role in credits(text)} == {"mention"}


def test_the_own_outlet_reporting_is_self() -> None:
    (credit,) = found("Reuters reported on Tuesday that talks had stalled.", outlet="reuters.com")
    assert (credit.outlet, credit.role, credit.cue) == ("reuters", "self", "reported")


def test_d_apres_is_a_source_cue() -> None:
    from naql.attribution import article_attributions
    from naql.outlets import load
    from naql.records import Article

    article = Article(
        id="fr", text="Le cessez-le-feu a été rompu mardi, d'après l'AFP, près de Tripoli."
    )
    roles = {(c.outlet, c.role) for c in article_attributions(article, load())}
    assert ("afp", "source") in roles
