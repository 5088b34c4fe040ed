"""Run directories: each run in a new directory, renamed into place when complete.

A run is rendered under a temporary name beside its final place and renamed
when every file is written, so an earlier run is never touched and a
half-written run never seen; per-town file names are made safe from any id."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evalkit.errors import InputError


def safe_stem(town_id: str) -> str:
    """A file-name part for a town id: the id itself if it is plain, else a hash."""
    if re.fullmatch(r"[A-Za-z0-9_-]{1,40}", town_id):
        return town_id
    return "h" + hashlib.sha256(town_id.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class ReportRun:
    """Where a run's files went, and how long the rendering took (seconds)."""

    directory: Path
    files: tuple[Path, ...]
    timings: Mapping[str, float] = field(default_factory=dict)

    @property
    def pdfs(self) -> tuple[Path, ...]:
        return tuple(f for f in self.files if f.suffix == ".pdf")

    @property
    def docx(self) -> tuple[Path, ...]:
        """The editable Word copies (``--format docx`` or ``both``)."""
        return tuple(f for f in self.files if f.suffix == ".docx")

    @property
    def documents(self) -> tuple[Path, ...]:
        """Every rendered document, PDF and Word, in file-name order (not the HTML sources)."""
        return tuple(f for f in self.files if f.suffix in (".pdf", ".docx"))


def town_stems(ids: Sequence[str]) -> dict[str, str]:
    """File-name parts for town ids, unique by construction, even ignoring case.

    A stem already taken (``Ab`` after ``aB``, or a plain id that equals
    another id's hash) gets ``-2``, ``-3``…; no town's file is ever written
    over another's.
    """
    stems: dict[str, str] = {}
    taken: set[str] = set()
    for town in ids:
        base = safe_stem(town)
        stem, count = base, 1
        while stem.lower() in taken:
            count += 1
            stem = f"{base}-{count}"
        taken.add(stem.lower())
        stems[town] = stem
    return stems


def publish(staging: Path, out: Path, name: str) -> Path:
    """Rename the finished staging directory to a name no earlier run has.

    ``mkdir`` reserves the name atomically (it fails if the name exists);
    renaming a directory over the empty reserved one is atomic on POSIX.
    """
    for counter in range(1, 1000):
        candidate = out / (name if counter == 1 else f"{name}-{counter}")
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        try:
            os.rename(staging, candidate)
        except OSError:
            with contextlib.suppress(OSError):
                candidate.rmdir()
            raise
        return candidate
    raise InputError("too many runs with the same time stamp and inputs", "try again",
                     file=out)
