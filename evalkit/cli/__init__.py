"""The ``evalkit`` command: a thin layer over the library.

Each command lives in its own module, parses its options, makes one library
call and prints the result.  Every error evalkit raises on purpose becomes one
line, ``Error: <file>:<row>:<column>: <what> — <what to do>``, with the exit
code of :data:`evalkit.errors.EXIT_CODES` (2: the input is wrong; 3: no
selection meets every limit; 4: no solution within the time limit); a wrong
option is one line too.  SIGTERM stops a run as Ctrl-C does, removing what it
had half written.
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

import click

from evalkit.errors import EvalkitError, InputError, exit_code, visible
from evalkit.version import __version__


class UserError(click.ClickException):
    """A problem the user can act on, reported in one line with its exit code."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(visible(message))
        self.exit_code = code  # type: ignore[misc]  # click declares it on the class


class EvalkitGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            raise UserError(exc.message, exit_code(exc)) from None
        except EvalkitError as exc:  # e.g. a solver whose answer failed evalkit's own check
            raise UserError(str(exc), exit_code(exc)) from None
        except click.UsageError as exc:
            if type(exc) is click.UsageError:  # raised by a command itself, with its own fix
                raise UserError(exc.format_message(), 2) from None
            command = exc.ctx.command_path if exc.ctx is not None else "evalkit"
            raise UserError(f"{exc.format_message().rstrip('.')} — run '{command} --help' to "
                            "see what it takes", 2) from None


@click.group(cls=EvalkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="evalkit")
def cli() -> None:
    """Evaluate, rank and select town-to-district candidates (乡镇改市区).

    Run any command with no options to use the bundled criteria set and the
    five sample towns, for example:

        evalkit rank
    """


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds like Ctrl-C: staging directories are removed


def main() -> None:
    """Console-script entry point."""
    signal.signal(signal.SIGTERM, _terminate)
    cli.main(prog_name="evalkit")


def warn(messages: Any) -> None:
    """Print warnings on stderr, one line each (invisible characters escaped)."""
    for message in messages:
        click.echo(f"Warning: {visible(str(message))}", err=True)


from evalkit.cli import rank as _rank  # noqa: E402, F401  (commands register themselves)
from evalkit.cli import report as _report  # noqa: E402, F401
from evalkit.cli import robust as _robust  # noqa: E402, F401
from evalkit.cli import select as _select  # noqa: E402, F401
from evalkit.cli import validate as _validate  # noqa: E402, F401
from evalkit.cli import weights as _weights  # noqa: E402, F401

__all__ = ["UserError", "cli", "main", "warn"]

if __name__ == "__main__":  # pragma: no cover
    main()
