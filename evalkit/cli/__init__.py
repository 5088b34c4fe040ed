"""The ``evalkit`` command: a thin layer over the library.

Each command lives in its own module, parses its options, makes one library
call and prints the result.  Every :class:`~evalkit.errors.InputError` becomes
``Error: <file>:<row>:<column>: <what> — <what to do>`` with exit code 2.
"""

from __future__ import annotations

from typing import Any

import click

from evalkit.errors import InputError
from evalkit.version import __version__


class UserError(click.ClickException):
    """An input problem, reported in one line with exit code 2."""

    exit_code = 2


class EvalkitGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            raise UserError(exc.message) from None


@click.group(cls=EvalkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="evalkit")
def cli() -> None:
    """Evaluate, rank and select town-to-district candidates (乡镇改市区).

    Run any command with no options to use the bundled criteria set and the
    five sample towns, for example:

        evalkit rank
    """


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="evalkit")


def warn(messages: Any) -> None:
    """Print warnings on stderr, one line each."""
    for message in messages:
        click.echo(f"Warning: {message}", err=True)


from evalkit.cli import rank as _rank  # noqa: E402, F401  (commands register themselves)
from evalkit.cli import report as _report  # noqa: E402, F401
from evalkit.cli import robust as _robust  # noqa: E402, F401
from evalkit.cli import select as _select  # noqa: E402, F401
from evalkit.cli import validate as _validate  # noqa: E402, F401
from evalkit.cli import weights as _weights  # noqa: E402, F401

__all__ = ["UserError", "cli", "main", "warn"]

if __name__ == "__main__":  # pragma: no cover
    main()
