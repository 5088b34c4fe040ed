"""The ``evalkit`` command: a thin layer over the library.

Each command lives in its own module, parses its options, makes one library
call and prints the result.  Every error evalkit raises on purpose becomes one
line, ``Error: <file>:<row>:<column>: <what> — <what to do>``, with the exit
code of :data:`evalkit.errors.EXIT_CODES` (2: the input is wrong; 3: no
selection meets every limit; 4: no solution within the time limit); a wrong
option is one line too.  SIGTERM stops a run as Ctrl-C does, removing what it
had half written.  A command's module is imported when that command runs
(:data:`COMMAND_MODULES`), so each pays only for its own imports.
"""

from __future__ import annotations

import atexit
import importlib
import os
import signal
import sys
from types import FrameType
from typing import Any

import click

from evalkit.errors import EvalkitError, InputError, exit_code, visible
from evalkit.version import __version__


class UserError(click.ClickException):
    """A problem the user can act on, reported in one line with its exit code."""

    def __init__(self, message: str, code: int = 2, details: tuple[str, ...] = ()) -> None:
        super().__init__(visible(message))
        self.exit_code = code  # type: ignore[misc]  # click declares it on the class
        self.details = details

    def show(self, file: Any = None) -> None:
        """The one ``Error:`` line, then the error's details (every bad cell), one a line."""
        super().show(file)
        for line in self.details:
            click.echo(visible(line), file=file, err=file is None)


COMMAND_MODULES = {"init": "init", "rank": "rank", "report": "report", "robust": "robust",
                   "select": "select", "validate": "validate", "weights": "weights",
                   "years": "years"}
"""Each command's module under :mod:`evalkit.cli`, imported only when the command is run
(or listed by ``--help``): ``evalkit rank`` never pays for the solver, the robustness
analysis or the report's imports."""
ONE_BLAS_THREAD = frozenset({"rank"})
"""Commands whose linear algebra is a few small products: OpenBLAS gets one thread for them
(if numpy is not loaded yet and the user set nothing), as its idle threads spin on the
second core (0.3–0.6 CPU s for ``rank`` on 40,000 towns on a two-core machine)."""


def check_environment() -> None:
    """Refuse a ``SOURCE_DATE_EPOCH`` this machine cannot read, before any heavy import.

    numpy (``numpy.f2py``, imported by scipy) reads the variable when it is
    imported and would end in a traceback; a blank value counts as unset and
    is removed for the same reason.
    """
    from evalkit.io.output import source_date_epoch  # stdlib imports only

    if "SOURCE_DATE_EPOCH" in os.environ and not os.environ["SOURCE_DATE_EPOCH"].strip():
        del os.environ["SOURCE_DATE_EPOCH"]
    try:
        source_date_epoch()
    except InputError as exc:
        raise UserError(exc.message, exit_code(exc)) from None


class EvalkitGroup(click.Group):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        check_environment()  # before --help lists (and so imports) the commands
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            if cmd_name in ONE_BLAS_THREAD and "numpy" not in sys.modules:
                os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
            importlib.import_module(f"evalkit.cli.{COMMAND_MODULES[cmd_name]}")  # registers it
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            raise UserError(exc.message, exit_code(exc), exc.details) from None
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


_quick_exit = False


def quick_exit() -> None:
    """Let the console command end this process without tearing down its heap.

    Called by commands that leave a large heap and nothing to clean up
    (``rank``: 40,000 towns are some 1.4 million objects, whose teardown at
    exit — a last garbage collection, then freeing each — took 0.3–0.5 s).
    Only :func:`main` acts on it, after the command has finished: the atexit
    handlers run and stdout and stderr are flushed, then :func:`os._exit`.
    The in-process API (``cli.main``, click's test runner) is unaffected.
    """
    global _quick_exit
    _quick_exit = True


def main() -> None:
    """Console-script entry point."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        cli.main(prog_name="evalkit")
    except SystemExit as stop:
        if not _quick_exit:
            raise
        code = stop.code
    else:  # pragma: no cover  (click's standalone mode always ends with SystemExit)
        code = 0
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    atexit._run_exitfuncs()  # what the interpreter would run first at exit
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: as Python reports a failed flush
            code = code or 120
    os._exit(code)


def warn(messages: Any) -> None:
    """Print warnings on stderr, one line each (invisible characters escaped)."""
    for message in messages:
        click.echo(f"Warning: {visible(str(message))}", err=True)


__all__ = ["UserError", "cli", "main", "quick_exit", "warn"]

if __name__ == "__main__":  # pragma: no cover
    main()
