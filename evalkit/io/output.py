"""Writing results: atomic, never clobbering, safe for spreadsheets.

Every file evalkit writes is first written to a temporary file in the target
directory and then linked into place, so a reader never sees half a file and
an existing file is never silently replaced.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import signal
import stat
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from evalkit.errors import InputError
from evalkit.io.jsontext import dumps_indented

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "＝", "＋", "－", "＠")
"""Text starting with these (after any spaces) may be run as a formula or a DDE command by
a spreadsheet program: OWASP's list, its full-width forms (which Excel also reads as
formula signs) and the pipe."""


def escape_formula(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would treat as a formula with ``'``.

    Numbers are left alone (a negative number is data, not a formula).
    """
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while a temporary file or folder is made and named.

    Python runs a signal's handler between two steps of the program; one that came
    after ``mkdtemp`` made its folder but before the caller held the name would stop
    the run with nobody to remove the folder.  A held signal acts as soon as the block
    ends, when the name is known to the ``try`` that cleans up.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread runs handlers
        return
    held = {signal.SIGINT, signal.SIGTERM}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def write_atomic(path: str | Path, write: Callable[[IO[bytes]], object], *,
                 overwrite: bool = False) -> Path:
    """Write a file through ``write(handle)`` atomically.

    Without ``overwrite`` an existing file is an :class:`InputError`; the
    check and the final link are one atomic step (``os.link`` fails if the
    name exists), so two runs cannot both think they won.
    """
    if str(path).endswith((os.sep, "/")):
        raise InputError("the output path ends in a separator, so it names a folder",
                         "give a file name, e.g. ranking.xlsx", file=str(path))
    path = Path(path)
    if path.is_dir():
        raise InputError("the output path is a folder", "give a file name inside it",
                         file=path)
    if path.is_symlink() and not path.exists():
        raise InputError("the output path is a broken symbolic link",
                         "remove the link or choose another name", file=path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError("output directory does not exist", "create it or choose another path",
                         file=directory)
    kind = _not_regular(path)
    if kind:
        # --overwrite replaces a file: a link would be replaced by a file (its target left
        # as it was), a pipe or a device by a file on the disk.
        raise InputError(f"the output path is {kind}, not a regular file",
                         "remove it or choose another name (--overwrite replaces only files)",
                         file=path)
    if path.exists() and not overwrite:
        raise InputError("output file already exists",
                         "choose another name, or pass --overwrite to replace it", file=path)
    tmp_name = ""
    try:
        with signals_held():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                            dir=directory)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            # mkstemp makes the file private (0600); give it the mode an ordinary file would have.
            os.fchmod(handle.fileno(), _file_mode(path))
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp_name, path)
        else:
            try:
                os.link(tmp_name, path)
            except FileExistsError:
                raise InputError("output file already exists",
                                 "choose another name, or pass --overwrite to replace it",
                                 file=path) from None
    finally:
        if tmp_name:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
    return path


def _not_regular(path: Path) -> str:
    """What ``path`` is when it exists and is not a regular file (else ``""``)."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return ""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "" if stat.S_ISREG(mode) else "of an unknown kind"


def _file_mode(path: Path) -> int:
    """The replaced file's permissions, or those the umask gives a new file."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV text (UTF-8 with BOM, so Excel shows Chinese) with formula cells escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([escape_formula(h) for h in header])
    for row in rows:
        writer.writerow([escape_formula(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def json_bytes(data: Any) -> bytes:
    """``json.dumps(data, ensure_ascii=False, indent=2)`` and a newline, as UTF-8 (built fast)."""
    return (dumps_indented(data) + "\n").encode("utf-8")


def xlsx_bytes(sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """An Excel workbook with one sheet per entry; text cells are never formulas."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title)
        sheet.append([escape_formula(h) for h in header])
        for row in rows:
            sheet.append([escape_formula(v) for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(10, width + 2), 60)
    return workbook_bytes(workbook)


def workbook_bytes(workbook: Any) -> bytes:
    """An openpyxl workbook saved as reproducible bytes: the same workbook, the same bytes.

    The document properties name evalkit and carry :func:`fixed_time` as their
    created and modified times, as does every zip entry (:func:`reproducible_zip`).
    """
    moment = fixed_time()
    props = workbook.properties
    props.creator = props.lastModifiedBy = "evalkit"
    props.created = props.modified = moment.replace(tzinfo=None)
    buffer = io.BytesIO()
    workbook.save(buffer)  # openpyxl stamps "modified" with the clock; reproducible_zip resets it
    return reproducible_zip(buffer.getvalue(), moment)


EPOCH_FALLBACK = datetime(2000, 1, 1, tzinfo=UTC)
"""The time written into every workbook unless ``SOURCE_DATE_EPOCH`` gives another."""
ZIP_EARLIEST, ZIP_LATEST = datetime(1980, 1, 1, tzinfo=UTC), datetime(2107, 12, 31, tzinfo=UTC)
"""The times a zip entry can carry."""


def source_date_epoch() -> datetime | None:
    """The time ``SOURCE_DATE_EPOCH`` gives (whole seconds since 1970, UTC), or ``None`` if unset.

    A blank value counts as unset.  A value that is not a whole number of
    seconds, or too large for this machine, is an :class:`InputError`: the CLI
    checks it before importing numpy and scipy, which read the variable at
    import (``numpy.f2py``) and would fail there with a traceback.
    """
    text = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        return None
    try:
        return datetime.fromtimestamp(int(text), UTC)
    except (OverflowError, OSError, ValueError):
        raise InputError(f"{text[:20]!r} is not a time this machine can represent",
                         "give seconds since 1970, e.g. 1740794400, or unset it",
                         column="SOURCE_DATE_EPOCH") from None


def fixed_time() -> datetime:
    """The workbook time: ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) if set, else 2000-01-01.

    Kept within the years a zip entry can carry (1980–2107).  A value that is
    not a whole number of seconds, or too large for this machine, is an
    :class:`InputError` (:func:`source_date_epoch`).
    """
    moment = source_date_epoch()
    if moment is None:
        return EPOCH_FALLBACK
    return min(max(moment, ZIP_EARLIEST), ZIP_LATEST)


_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def reproducible_zip(data: bytes, moment: datetime | None = None) -> bytes:
    """The same zip (an XLSX is one) with fixed entry times and document-property times.

    ``moment`` defaults to :func:`fixed_time`.
    """
    moment = moment or fixed_time()
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    date_time = (moment.year, moment.month, moment.day, moment.hour, moment.minute,
                 moment.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_TIMES.sub(rb"\g<1>" + stamp + rb"\g<2>", body)
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, body)
    return out.getvalue()
