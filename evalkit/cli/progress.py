"""Progress displays for the commands that can run for more than a few seconds.

One rule for all of them: a rich display on **stderr**, only when stderr is a
terminal and ``--quiet`` was not given, and gone (transient) when the work is
done.  When stderr is piped or redirected nothing is written at all, so logs
and scripts see exactly what they saw before.  rich is imported only when a
display is shown: ``evalkit rank`` into a pipe pays nothing for it.

- :func:`steps`: a spinner naming the step under way and the time since the
  display started (``select``, ``rank``), for work whose size is not known;
- :func:`bars`: one bar per stage with done/total and the time remaining
  (``robust``, whose library calls report their progress).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any


def shown(quiet: bool) -> bool:
    """Whether to show progress: not ``--quiet``, and stderr is a terminal."""
    if quiet:
        return False
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty is not None and isatty())


def _console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


@contextmanager
def steps(quiet: bool) -> Iterator[Callable[[str], None]]:
    """Yield ``step(label)``: each call ends the step before and starts ``label``."""
    if not shown(quiet):
        yield lambda label: None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = _console()
    display = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                       console=console, transient=True, disable=not console.is_terminal)
    tasks: list[Any] = []

    def step(label: str) -> None:
        if tasks:
            display.update(tasks[0], description=label)
        else:  # the clock starts with the first step
            tasks.append(display.add_task(label, total=None))

    with display:
        yield step


@contextmanager
def bars(quiet: bool, labels: Mapping[str, str]) -> Iterator[Callable[[str, int, int], None]]:
    """Yield ``report(stage, done, total)``: one bar per stage, labelled from ``labels``."""
    if not shown(quiet):
        yield lambda stage, done, total: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeRemainingColumn,
    )

    console = _console()
    display = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TimeRemainingColumn(), console=console, transient=True,
                       disable=not console.is_terminal)
    tasks: dict[str, TaskID] = {}

    def report(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = display.add_task(labels.get(stage, stage), total=total)
        display.update(tasks[stage], completed=done, total=total)

    with display:
        yield report
