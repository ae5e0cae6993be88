"""The Typer applications every command registers on: ``naql`` and its ``naql eval`` group."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="naql",
    help="naql (نقل): trace how a news story travels between outlets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: rich's panels print a type for every flag ("<bool>") and read
    # "{story: [articles]}" in a help text as markup.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
eval_app = typer.Typer(
    help="Score naql's output against gold data.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(eval_app, name="eval")
index_app = typer.Typer(
    help="Build and grow an index of articles (naql.db).",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(index_app, name="index")
