"""The command line: a thin shell over :mod:`naql.pipeline`. Library errors become exit codes here.

Every command's help carries an example; ``tests/test_cli.py`` fails if one lacks it. The
commands live in :mod:`~naql.cli.commands` (trace, clean, align) and :mod:`~naql.cli.scoring`
(eval); what they print and write in :mod:`~naql.cli.output`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer

from naql import __version__
from naql.cli import browse, commands, index, report, scoring, serve  # noqa: F401  (their commands register on the app)
from naql.cli.app import app, eval_app
from naql.cli.output import err, out, quiet_stdout, write_json
from naql.errors import NaqlError

__all__ = ["app", "eval_app", "main", "write_json"]


def version_callback(value: bool) -> None:
    if value:
        out.print(f"naql {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = None,
) -> None:
    """naql (نقل): trace how a news story travels between outlets."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; ``argv`` lets tests call the CLI directly and read its exit status.

    Every error ends in one line on stderr — a usage error too (click's own prints the usage
    and a boxed message); a closed pipe (``| head``) ends quietly, what was asked for written.
    """
    # typer vendors its own click: its exceptions, not click's, reach this point.
    from typer._click import exceptions as click

    try:
        result = app(
            args=list(argv) if argv is not None else None, prog_name="naql", standalone_mode=False
        )
    except typer.Exit as stop:
        return stop.exit_code
    except typer.Abort:
        err.print("naql: interrupted", highlight=False)
        return 130
    except click.NoArgsIsHelpError as error:  # «naql», «naql eval»: the help is the answer
        out.print(error.format_message(), markup=False, highlight=False)
        return 0
    except click.ClickException as error:
        context = getattr(error, "ctx", None)
        command = context.command_path if context is not None else "naql"
        hint = f" ({command} -h for help)" if isinstance(error, click.UsageError) else ""
        err.print(f"naql: {error.format_message()}{hint}", highlight=False, markup=False)
        return error.exit_code
    except SystemExit as stop:
        code = stop.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except BrokenPipeError:
        quiet_stdout()
        return 0
    except (NaqlError, OSError) as error:
        err.print(f"naql: {error}", highlight=False, markup=False)
        return 2
    return result if isinstance(result, int) else 0
